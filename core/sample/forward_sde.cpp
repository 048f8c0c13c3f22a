// The forward SDE from the data (see forward_sde.h).
#include "core/sample/forward_sde.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {
namespace {

using detail::ParticleSampler;

class ForwardSdeSampler final : public ParticleSampler {
 public:
  ForwardSdeSampler(const ForwardSdeConfig& c, const SdeParams& sde)
      : sde_(sde), t_end_(c.t_end), steps_(std::max(1, int(std::ceil(c.t_end * sde.N - 1e-9)))) {}

  // Every linear SDE (VE, VP, sub-VP) has x_t = m(t) x₀ + s(t) z, so from t to t' the transition is
  // x' = a x + √(s'² − a² s²) z with a = m(t') / m(t): the variance added on top of the scaled
  // marginal. From the clean data (m = 1, s = 0) the first step lands exactly on p_{t₁}.
  bool step(const ScoreModel&, Rng& rng) override {
    if (finished_) return false;
    const NoiseLevel from = steps_taken_ == 0 ? NoiseLevel::clean() : grid(steps_taken_);
    const NoiseLevel to = grid(steps_taken_ + 1);
    const double a = to.m / from.m;
    const double var = std::max(0.0, to.s * to.s - a * a * from.s * from.s);
    draw_noise(rng);
    x_ = static_cast<float>(a) * x_ + static_cast<float>(std::sqrt(var)) * noise_;
    recorded_step();
    return true;
  }
  int total_steps() const override { return steps_; }
  // At the start the particles are the clean data; the SDE's own t = 0 level (VE: σ_min) stands
  // for it, so the fields shown beside them are defined for every dataset (a point set's density
  // needs s > 0).
  NoiseLevel level() const override { return grid(steps_taken_); }

 private:
  void initial(Index, Rng&, Points&) const override {
    throw std::logic_error("the forward SDE starts at the data: place its particles with "
                           "start_particles (core/scene/scene_run.h)");
  }
  NoiseLevel grid(int k) const { return sde_.level(t_end_ * k / steps_); }

  Sde sde_;
  double t_end_;
  int steps_;
};

}  // namespace

bool edit(ParamEditor& e, ForwardSdeConfig& c) { return e.number("t end", c.t_end, 0.01, 1, "%.2f"); }

SamplerWork work(const ForwardSdeConfig& c, const SigmaSchedule&, const SdeParams& sde) {
  // No score evaluations; one Gaussian draw per step.
  return {0.0, std::max(1.0, std::ceil(c.t_end * sde.N))};
}

std::unique_ptr<Sampler> build(const ForwardSdeConfig& c, const SigmaSchedule&,
                               const SdeParams& sde) {
  const Sde process(sde);  // validates the SDE
  require_above("sampler.t_end", c.t_end, 0.0);
  require_in_range("sampler.t_end", c.t_end, 0.0, Sde::T);
  return std::make_unique<ForwardSdeSampler>(c, sde);
}

}  // namespace scorelab
