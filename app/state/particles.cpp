// Particles: budgeted stepping and the display copy (see particles.h).
#include "app/state/particles.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/scene/scene_run.h"

namespace scorelab::app {

void Particles::restart(const Scene& scene, const SamplerConfig& sampler, Rng stream) {
  ++generation_;
  rng_ = stream;
  sampler_ = make_sampler(sampler, scene.noise.schedule, scene.noise.sde);
  start_particles(*sampler_, sampler, scene.data, std::min(scene.particles, kMaxWindowParticles),
                  rng_);
  step_debt = 0;
  refresh_display();
}

int Particles::advance(const ScoreModel& score, int steps, double budget_seconds) {
  if (!sampler_) return 0;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int taken = 0;
  while (taken < steps && sampler_->step(score, rng_)) {
    ++taken;
    if (budget_seconds > 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() > budget_seconds)
      break;
  }
  if (taken > 0) refresh_display();
  return taken;
}

void Particles::refresh_display() {
  const Points& x = sampler_->particles();
  display_.resize(2, x.cols());
  escaped_ = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const float px = x(0, i), py = x(1, i);
    const bool inside = std::isfinite(px) && std::isfinite(py) && std::abs(px) <= kWorldLimit &&
                        std::abs(py) <= kWorldLimit;
    if (inside) {
      display_.col(i) << px, py;
    } else {
      // Clamped to the world's edge (far outside any view): counted, never painted as NaN.
      ++escaped_;
      display_.col(i) << (std::isnan(px) ? kWorldLimit : std::clamp(px, -kWorldLimit, kWorldLimit)),
          (std::isnan(py) ? kWorldLimit : std::clamp(py, -kWorldLimit, kWorldLimit));
    }
  }
  ++revision_;
}

}  // namespace scorelab::app
