// The Sampler base (start, run, trajectory recording) and the pieces the kinds share
// (sampler_impl.h). The kinds live in langevin.cpp, annealed_langevin.cpp, reverse_sde.cpp,
// probability_flow.cpp, forward_sde.cpp and ddim.cpp.
#include "core/sample/sampler.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {

// ---------------------------------------------------------------------------------------------
// Sampler base

void Sampler::start(Index n, Rng& rng) {
  x_.resize(2, n);
  initial(n, rng, x_);
  start(x_);
}

void Sampler::start(const Points& x0) {
  if (&x0 != &x_) x_ = x0;
  steps_taken_ = 0;
  finished_ = false;
  on_start();
  const Index tracked = std::min(traj_tracked_, x_.cols());
  if (traj_.tracked() != tracked || traj_.capacity() != traj_capacity_)
    traj_ = TrajectoryBuffer(tracked, traj_capacity_);
  traj_.clear();
  traj_.record(x_);
}

void Sampler::run(const ScoreModel& model, Rng& rng) {
  while (step(model, rng)) {
  }
}

void Sampler::record_trajectories(Index tracked, Index capacity) {
  require_in_range("trajectories.tracked", static_cast<double>(tracked), 0, 1e6);
  require_in_range("trajectories.capacity", static_cast<double>(capacity), 0, 1e6);
  // 2.5e7 stored points = 200 MB: the bound that keeps a long recording from eating the machine.
  require_in_range("trajectories.tracked × trajectories.capacity",
                   static_cast<double>(tracked) * static_cast<double>(capacity), 0, 2.5e7);
  traj_tracked_ = tracked;
  traj_capacity_ = capacity;
  // Called mid-run: record from the current positions on.
  traj_ = TrajectoryBuffer(std::min(tracked, x_.cols()), capacity);
  if (x_.cols() > 0) traj_.record(x_);
}

void Sampler::recorded_step() {
  ++steps_taken_;
  traj_.record(x_);
  if (total_steps() >= 0 && steps_taken_ >= total_steps()) finished_ = true;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of the samplers

namespace detail {

void validate_step_size(const std::string& what, double v) {
  require_above(what, v, 0.0);
  require_in_range(what, v, 0.0, 1e6);
}

void ParticleSampler::affine_update(double a, double b, double c, Rng& rng) {
  const float af = static_cast<float>(a), bf = static_cast<float>(b);
  if (c == 0.0) {
    x_ = af * x_ + bf * score_;
    return;
  }
  draw_noise(rng);
  x_ = af * x_ + bf * score_ + static_cast<float>(c) * noise_;
}

}  // namespace detail

}  // namespace scorelab
