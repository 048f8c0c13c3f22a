// AppContext: everything the window owns in one struct (no static UI state): the Scene (every
// setting, the single source of truth), the exact score, the Trainer, the particles, the field
// caches of the two panels and the messages for the status bar. It computes through core/ and
// never touches GL; the render engine (app/render) reads it.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>

#include "app/state/fields.h"
#include "app/state/particles.h"
#include "core/nn/learned_score.h"
#include "core/scene/checkpoint.h"
#include "core/scene/scene.h"
#include "core/train/trainer.h"

namespace scorelab::app {

// How the window was started (app/window/options.h fills it).
struct RunMode {
  // Deterministic frames (--frames, exports): no time budgets, and training (when on) advances
  // exactly `train_steps_per_frame` steps before each frame instead of running freely on its
  // thread, so the same scene and seed give the same frames on any machine.
  bool scripted = false;
  int train_steps_per_frame = 10;
};

// One message for the status bar. Errors (bad input) and warnings stay until replaced;
// a warning is set once per cause, never per frame.
struct StatusMessage {
  enum class Kind { None, Info, Warning, Error } kind = Kind::None;
  std::string text;
};

class AppContext {
 public:
  // `start`, when given, is a trained model to start from: its weights and optimiser state
  // replace fresh ones while the scene's model block stays the one it was trained with.
  AppContext(Scene scene, RunMode mode, std::shared_ptr<const Checkpoint> start = nullptr);
  ~AppContext();

  const Scene& scene() const { return scene_; }
  RunMode mode() const { return mode_; }

  // Applies an edited copy of the scene: validates it (an InputError becomes the status error and
  // nothing changes), then rebuilds exactly what the edit invalidates (data, trainer settings or
  // architecture, particles). Returns whether it was applied.
  bool apply(const Scene& next);

  // ---- per frame ----------------------------------------------------------------------------
  // Takes the trainer's newest snapshot (never waits), advances the particles (budgeted) and
  // refreshes the panels' fields when what they depend on changed.
  void update(const std::array<view::WorldRect, 2>& panels, int panel_count);

  // Exports: from now on update() takes the particles to exactly `steps` sampler steps (fewer once
  // the sampler finished) instead of stepping them while playing.
  void set_particle_target(int steps) { particle_target_ = steps; }

  // ---- what the renderer and the panels read ------------------------------------------------
  const Points& data_points() const { return data_points_; }  // the training samples shown
  const ScoreModel& exact() const { return *exact_; }
  const ScoreModel* learned() const { return learned_.get(); }  // null before the first snapshot
  const TrainerSnapshot* training() const { return train_snap_.get(); }
  Particles& particles() { return particles_; }
  const Particles& particles() const { return particles_; }
  const PanelFields& fields(int panel) const { return fields_[panel]; }
  NoiseLevel panel_level(int panel) const;  // the level the panel's layers show
  double suggested_sigma_max() const { return suggested_sigma_max_; }
  long data_revision() const { return data_revision_; }

  // ---- commands (keyboard and buttons) ------------------------------------------------------
  void set_training(bool on);
  void train_step_once();
  void reset_training();
  void restart_particles(bool new_seed);
  void toggle_playing();
  void step_particles_once();

  const StatusMessage& status() const { return status_; }
  void report(StatusMessage::Kind kind, std::string text);

 private:
  void rebuild_data();
  void rebuild_trainer();
  const ScoreModel* particle_score() const;

  Scene scene_;
  RunMode mode_;
  std::unique_ptr<ScoreModel> exact_;
  Points data_points_;
  long data_revision_ = 0;
  double suggested_sigma_max_ = 0;

  std::shared_ptr<const Checkpoint> start_;
  std::unique_ptr<Trainer> trainer_;
  std::shared_ptr<const TrainerSnapshot> train_snap_;
  std::unique_ptr<LearnedScore> learned_;
  long learned_step_ = -1;
  bool learned_ema_ = true;
  std::string last_train_warning_;

  Particles particles_;
  std::optional<int> particle_target_;
  std::array<PanelFields, 2> fields_;
  StatusMessage status_;
};

}  // namespace scorelab::app
