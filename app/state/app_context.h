// AppContext: everything the window owns in one struct (no static UI state): the Scene (every
// setting, the single source of truth), the exact score, the Trainer, the particles, each panel's
// level for this frame, the messages for the status bar, and everything derived from them — each
// panel's fields (PanelFields), the quality meter and the live numbers — with the one job runner
// all background work but training runs on. It computes through core/ and never touches GL; the
// layers (app/layers) and the panels (app/ui) read it and draw.
//
// How state changes, the one channel: the UI edits a copy of the scene and posts Commands; the
// window hands both to submit() once per frame. apply() diffs the old and new scene (SceneDiff,
// field by field) and rebuilds exactly what the edit invalidated. update() then advances what is
// animated and computes the derived values (each panel's level) once, in one place.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "app/state/commands.h"
#include "app/state/edit_history.h"
#include "app/state/fields.h"
#include "app/state/jobs.h"
#include "app/state/numbers.h"
#include "app/state/particles.h"
#include "app/state/quality_meter.h"
#include "app/state/training_scrub.h"
#include "core/nn/learned_score.h"
#include "core/scene/checkpoint.h"
#include "core/scene/noise_fit.h"
#include "core/scene/scene.h"
#include "core/scene/scene_diff.h"
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

// What one plot panel shows this frame, derived once per frame from the scene and the particles.
struct PanelView {
  NoiseLevel level;         // the level every field layer of the panel is drawn at
  FieldSource source = FieldSource::Exact;
  // The level is the particles' (ui.follow_sampler): from frame 0 (their starting level) through
  // the run to its end (their final level), so fields and particles always show the same level.
  // Otherwise it is pinned at the panel's t.
  bool follows_particles = false;
  // The process of the level: noise.sde's kind, or the panel's own in small multiples across
  // SDEs (`own_sde`, named in the caption).
  SdeKind sde = SdeKind::VE;
  bool own_sde = false;
  // Which particle run the panel draws and follows: 0 the scene's sampler, 1 its compare_sampler
  // (the right panel of a split view of a scene that has one).
  int run = 0;
  // Whether the particles (and their trails) are drawn over this panel. Not in small multiples:
  // their panels are pinned at levels the particles are not at, and particles drawn over a field at
  // another level would claim something false; the particles keep running for the one-panel view.
  bool shows_particles = true;
  // The level's std was raised to field_std_floor() (a sample-only dataset: finer is spikes).
  bool std_floored = false;
  // The panel's density is its score's log p through the probability-flow ODE (the model-density
  // layer's map) instead of the closed form: layers.model_density is on and the panel is learned
  // (the model has no closed form) or asks for it (PanelConfig::ode_density).
  bool ode_density = false;
  // The density is drawn unnormalised, log p + log_z (PanelConfig::log_z; 0 in small multiples).
  double log_z = 0;
};

// The t of small-multiples panel i across levels: evenly spaced from t_min (i = 0) to t_max.
double multiples_t(const MultiplesConfig& m, int i);

// The level a panel set to time t shows (before the follow-the-particles rule): noise.sde at t, or
// with ui.discrete_levels the schedule level nearest to t. Its std is at least kMinFieldStd.
NoiseLevel level_at(const Scene& scene, double t);

class AppContext {
 public:
  // `start`, when given, is a trained model to start from: its weights and optimiser state
  // replace fresh ones while the scene's model block stays the one it was trained with.
  AppContext(Scene scene, RunMode mode, std::shared_ptr<const Checkpoint> start = nullptr);
  ~AppContext();

  const Scene& scene() const { return scene_; }
  RunMode mode() const { return mode_; }

  // ---- the one channel: edits, then commands --------------------------------------------------
  // Applies `edit` (if it differs) and then runs `commands` in order. What the UI calls once per
  // frame. `gesture`: a slider or a mouse drag is still held, so this edit continues the previous
  // one and undo takes the whole gesture back in one step.
  void submit(const Scene& edit, std::span<const Command> commands = {}, bool gesture = false);
  // Applies an edited copy of the scene: validates it (an InputError becomes the status error and
  // nothing changes), then rebuilds exactly what diff(scene(), next) says. Returns whether it was
  // applied (false also when it was refused).
  bool apply(const Scene& next);
  void run(Command command);
  // Opens a saved session: its scene replaces the current one (one undoable edit) and, when
  // `model` is given, the trainer restarts from those weights. False (with the status error) when
  // the scene is refused; then nothing changed.
  bool open(Scene scene, std::shared_ptr<const Checkpoint> model);
  const EditHistory& history() const { return history_; }
  // What the last applied edit rebuilt (tests and `scorelab bench-edit` read it).
  const SceneDiff& last_diff() const { return last_diff_; }
  // How many times each piece was rebuilt since construction (tests: "rebuilds exactly what it
  // should and nothing else").
  struct Rebuilds {
    int data = 0, trainer = 0, particles = 0;
  };
  const Rebuilds& rebuilds() const { return rebuilds_; }

  // ---- per frame ----------------------------------------------------------------------------
  // Takes the trainer's newest snapshot (never waits), advances the particles (budgeted),
  // derives each panel's view (level, source) for this frame and brings the readouts asked for
  // (the live numbers, the quality meter) up to date.
  void update();

  // Exports: from now on update() takes the particles to exactly `steps` sampler steps (fewer once
  // the sampler finished) instead of stepping them while playing.
  void set_particle_target(int steps) { particle_target_ = steps; }
  // Exports through training: from now on ui.scrub_step picks from `history` (another run's,
  // the window's at the time of the export) instead of this context's own trainer's.
  void show_history(TrainingHistory history) { given_history_ = std::move(history); }

  // ---- what the layers and the panels read ----------------------------------------------------
  const Points& data_points() const { return data_points_; }  // the training samples shown
  const ScoreModel& exact() const { return *exact_; }
  // The same, shared with background jobs that read it after a data edit replaced it.
  std::shared_ptr<const ScoreModel> exact_shared() const { return exact_; }
  const ScoreModel* learned() const { return learned_.get(); }  // null before the first snapshot
  // The score a panel's (or the particles') source stands for, null while learned has no snapshot.
  const ScoreModel* model(FieldSource source) const {
    return source == FieldSource::Exact ? exact_.get() : learned_.get();
  }
  // That score with the scene's guidance (observation, class, exact imputation;
  // core/sample/conditioning.h) added, as the particles follow it; null when nothing guides (or
  // learned has no snapshot).
  const ScoreModel* guided(FieldSource source) const {
    return source == FieldSource::Exact ? guided_exact_.get() : guided_learned_.get();
  }
  const TrainerSnapshot* training() const { return train_snap_.get(); }
  long model_step() const { return learned_step_; }  // −1 before the first snapshot
  // The weights learned() is of: live, or the history's snapshot nearest ui.scrub_step
  // (training_scrub.h), with the label every learned panel states.
  const ShownModel& shown() const { return shown_; }
  // Run 0: the scene's sampler; run 1: its compare_sampler from the same start (not started
  // without one), drawn by the split view's right panel (PanelView::run).
  const Particles& particles(int run = 0) const { return run == 1 ? compare_ : particles_; }
  // Both runs (the comparison when there is one) have finished.
  bool runs_finished() const {
    return particles_.finished() && (!scene_.compare_sampler || compare_.finished());
  }
  // The Numbers section's readings (updated by update() while ui.numbers is on).
  const LiveNumbers& numbers() const { return numbers_; }
  // The quality readout of the learned model, updated by update() while the panel showing it
  // posts Command::ShowQuality (only then: a measurement costs ~70 ms of a core).
  const QualityMeter& quality() const { return quality_; }
  // Panel p's derived fields: the layers ask for what they draw (PanelFields recomputes only what
  // its key says changed) and read it.
  PanelFields& fields(int p) { return fields_[std::size_t(p)]; }
  // The one background worker of everything derived (model density, quality, live numbers),
  // started on first use. Jobs run one at a time, in order, below the UI thread (jobs.h).
  JobRunner& jobs() const;
  const PanelView& panel(int p) const { return panels_[p]; }
  int panel_count() const { return scorelab::panel_count(scene_.view); }
  // How far the SDE's prior is from the true p_T (core/scene/noise_fit.h): the fraction of
  // reverse-SDE samples it sends to the wrong component, for the scene's process as set.
  double prior_shift() const { return prior_shift_; }
  // The σ_max a "from data" VE SDE would take for this data (noise_fit.h), data units.
  double fitted_sigma_max() const { return fitted_sigma_max_; }
  const DensityScale& density_scale() const { return density_scale_; }
  // The smallest std fields are drawn at: kMinFieldStd, or for data without a mixture (a
  // sample-only dataset, a drawing) the median distance between neighbouring points.
  double field_std_floor() const { return field_std_floor_; }
  // The median distance from a data point to its nearest other point (data units; computed once
  // per data revision).
  double point_spacing() const { return point_spacing_; }
  long data_revision() const { return data_revision_; }

  // How many times the model-density map was requested / cancelled (Commands); the model-density
  // layer acts when a count moves past the one it last saw.
  long model_density_requests() const { return model_density_requests_; }
  long model_density_cancels() const { return model_density_cancels_; }

  const StatusMessage& status() const { return status_; }
  void report(StatusMessage::Kind kind, std::string text);

 private:
  // The score the particles follow: the panel source's model, wrapped with the scene's guidance
  // (observation or class; core/scene/scene_run.h) exactly as `scorelab sample` wraps it. Null
  // while the learned model has no snapshot.
  const ScoreModel* particle_score() const;
  // Advances the particles; a step the score cannot take is reported and pauses the run.
  void advance_particles(const ScoreModel& score, int steps, double budget);
  void rebuild_guidance();
  void rebuild_data();
  void measure_prior();
  void rebuild_trainer();
  void restart_particles();
  void set_trainer_running(bool on);
  void derive_panels();
  void rescale_density();

  Scene scene_;
  RunMode mode_;
  std::shared_ptr<const ScoreModel> exact_;
  Points data_points_;
  long data_revision_ = 0;
  FitData fit_data_;  // the data as the σ_max fit sees it (per data revision)
  double prior_shift_ = 0, fitted_sigma_max_ = 0;
  DensityScale density_scale_;
  double field_std_floor_ = kMinFieldStd;
  double point_spacing_ = 0;

  std::shared_ptr<const Checkpoint> start_;
  std::unique_ptr<Trainer> trainer_;
  std::shared_ptr<const TrainerSnapshot> train_snap_;
  std::unique_ptr<LearnedScore> learned_;
  std::unique_ptr<ScoreModel> guided_exact_, guided_learned_;  // null without guidance
  long learned_step_ = -1;
  bool learned_ema_ = true;
  ShownModel shown_;
  std::optional<TrainingHistory> given_history_;  // show_history()
  std::string last_train_warning_;
  std::string last_train_error_;

  Particles particles_;
  Particles compare_;  // the comparison run (Scene::compare_sampler), else never started
  std::optional<int> particle_target_;
  LiveNumbers numbers_;
  QualityMeter quality_;
  bool quality_wanted_ = false;
  long updates_ = 0;  // update() calls: scripted runs' clock (a frame is 1/60 s)
  std::array<PanelFields, kMaxPanels> fields_;
  std::array<PanelView, kMaxPanels> panels_;
  SceneDiff last_diff_;
  Rebuilds rebuilds_;
  EditHistory history_;
  StatusMessage status_;
  long model_density_requests_ = 0, model_density_cancels_ = 0;
  // Last: destroyed first, so its worker is joined (its jobs cancelled) before anything above
  // goes. Its jobs own copies of what they read. Mutable: submitting work changes nothing the
  // context shows.
  mutable std::unique_ptr<JobRunner> jobs_;
};

}  // namespace scorelab::app
