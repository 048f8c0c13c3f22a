// DDIM (see ddim.h): x̂₀ and ε̂ from the score, re-noised to the next level of the grid
// t_k = linspace(1, eps, steps + 1), with η of the step's posterior noise drawn fresh.
#include "core/sample/ddim.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/common/error.h"
#include "core/sample/probability_flow.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {

DdimCoefficients ddim_coefficients(const NoiseLevel& now, const NoiseLevel& next, double eta,
                                   bool on_velocity) {
  const double m = now.m, s = now.s, mn = next.m, sn = next.s;
  // σ² = η² s′² (1 − (m s′ / (m′ s))²): the bracket is 1 − the share of s′² the forward kernel
  // from t′ to t carries over, ≥ 0 for every SDE up to rounding (0 at m = 0: nothing carried).
  const double carried = (m * sn) / (mn * s);
  const double sigma = eta * sn * std::sqrt(std::max(1.0 - carried * carried, 0.0));
  const double noise_std = std::sqrt(std::max(sn * sn - sigma * sigma, 0.0));  // ε̂'s share
  if (on_velocity) {
    // x′ = m′ (ṡ x − s v)/d + noise_std (m v − ṁ x)/d + σ z,  d = m ṡ − s ṁ
    const double d = m * now.ds - s * now.dm;
    return {(mn * now.ds - noise_std * now.dm) / d, (noise_std * m - mn * s) / d, sigma};
  }
  // x′ = m′ (x + s² score) / m + noise_std · (−s score) + σ z
  return {mn / m, mn * s * s / m - noise_std * s, sigma};
}

namespace {

using detail::ParticleSampler;

class DdimSampler final : public ParticleSampler {
 public:
  DdimSampler(const DdimConfig& c, const SdeParams& sde) : c_(c), sde_(sde) {}

  bool step(const ScoreModel& model, Rng& rng) override {
    if (finished_) return false;
    const NoiseLevel now = sde_.level(grid(steps_taken_));
    const NoiseLevel next = sde_.level(grid(steps_taken_ + 1));
    // The velocity where the model has one (finite from m = 0, the straight path's start).
    const bool on_velocity = flows_on_velocity(model, sde_);
    if (!on_velocity && !(now.m > 0))
      throw InputError(
          "DDIM from m = 0 (the straight path's t = 1) needs a model that answers a velocity; "
          "this one answers only a score, whose x0 estimate (x + s^2 score)/m is 0/0 there");
    const DdimCoefficients k = ddim_coefficients(now, next, c_.eta, on_velocity);
    if (on_velocity)
      model.velocity(x_, now, score_);  // score_ holds v for this step
    else
      eval_score(model, now, x_);
    affine_update(k.a, k.b, k.c, rng);  // η = 0: c = 0, no draw
    recorded_step();
    return true;
  }
  int total_steps() const override { return c_.steps; }
  // After step k the particles are at t_k; after the last, at eps (no separate denoising step).
  NoiseLevel level() const override { return sde_.level(grid(steps_taken_)); }

 private:
  // The prior p_T (N(0, σ_max² I) for VE, N(0, I) for VP / sub-VP), as the reverse SDE starts.
  void initial(Index, Rng& rng, Points& out) const override { sde_.sample_prior(out, rng); }

  // t_k = linspace(1, eps, steps + 1)[k], the last one exactly eps.
  double grid(int k) const {
    return k >= c_.steps ? c_.eps : Sde::T + k * (c_.eps - Sde::T) / c_.steps;
  }

  DdimConfig c_;
  Sde sde_;
};

}  // namespace

std::string summary(const DdimConfig& c) {
  char text[64];
  std::snprintf(text, sizeof text, "DDIM, eta %.3g, %d steps", c.eta, c.steps);
  return text;
}

bool edit(ParamEditor& e, DdimConfig& c) {
  bool changed = e.number("eta", c.eta, 0, 1, "%.2f");
  changed |= e.integer("steps", c.steps, 1, 2000);
  return changed;
}

SamplerWork work(const DdimConfig& c, const SigmaSchedule&, const SdeParams&) {
  return {double(c.steps), double(c.steps)};
}

std::unique_ptr<Sampler> build(const DdimConfig& config, const SigmaSchedule&,
                               const SdeParams& sde) {
  const Sde process(sde);  // validates the SDE
  config.condition.validate_guidance_only();
  require_in_range("sampler.eta", config.eta, 0.0, 1.0);
  require_in_range("sampler.steps", config.steps, 1, 1e6);
  require_above("sampler.eps", config.eps, 0.0);
  require_in_range("sampler.eps", config.eps, 0.0, 0.999);
  return std::make_unique<DdimSampler>(config, sde);
}

}  // namespace scorelab
