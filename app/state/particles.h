// Particles: the sampler the window animates, stepped a budgeted amount per frame, with a
// finite copy for drawing (escaped or non-finite particles are clamped and counted). Whether they
// play is the scene's ui.playing (AppContext decides); this class only runs the sampler.
#pragma once
#include <memory>

#include "core/common/rng.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/scene.h"

namespace scorelab::app {

// |x| or |y| beyond this (data units), or not finite: the particle has left the world.
inline constexpr float kWorldLimit = 1e6f;
inline constexpr int kMaxWindowParticles = 100'000;  // more would not be interactive

class Particles {
 public:
  // A new run of `sampler` (the scene's, or its compare_sampler) for the scene's particles, noise
  // and data, from its initial distribution, drawing from `stream`.
  void restart(const Scene& scene, const SamplerConfig& sampler, Rng stream);
  // Advances up to `steps` steps (fewer once finished or past the time budget, seconds; ≤ 0
  // means no budget). Returns the steps taken.
  int advance(const ScoreModel& score, int steps, double budget_seconds);

  bool started() const { return sampler_ != nullptr; }
  bool finished() const { return !sampler_ || sampler_->finished(); }
  int steps_taken() const { return sampler_ ? sampler_->steps_taken() : 0; }
  int total_steps() const { return sampler_ ? sampler_->total_steps() : 0; }
  NoiseLevel level() const { return sampler_ ? sampler_->level() : NoiseLevel::clean(); }
  const Points& positions() const { return sampler_->particles(); }  // exact, unclamped
  long generation() const { return generation_; }  // bumps on every restart (trails start anew)

  double step_debt = 0;  // fractional steps carried between frames (speed < 1 step per frame)

  // For drawing: finite positions (2 × N) and how many particles left the world.
  const Points& display() const { return display_; }
  Index escaped() const { return escaped_; }
  long revision() const { return revision_; }  // bumps whenever display() changed

 private:
  void refresh_display();

  std::unique_ptr<Sampler> sampler_;
  Rng rng_;
  long generation_ = 0;
  Points display_;
  Index escaped_ = 0;
  long revision_ = 0;
};

}  // namespace scorelab::app
