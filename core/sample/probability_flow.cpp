// The probability-flow ODE dx/dt = v(x, t) (score_sde get_ode_sampler; flow_velocity),
// integrated by the one ODE module (core/sample/ode.h): fixed-step Euler, Heun, RK4, or adaptive
// Dormand–Prince RK45 as scipy's solve_ivp does it. Coefficients f, g are doubles; the particles
// are floats (so rtol ≥ 1e-7 is enforced, see ode.h).
#include "core/sample/probability_flow.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {
namespace {

using detail::ParticleSampler;

class ProbabilityFlowSampler final : public ParticleSampler {
 public:
  ProbabilityFlowSampler(const ProbabilityFlowConfig& c, const SdeParams& sde)
      : c_(c), sde_(sde), ode_(OdeOptions{c.method, c.steps, c.rtol, c.atol}) {}

  bool step(const ScoreModel& model, Rng&) override {
    if (finished_) return false;
    if (ode_.done()) {  // only reached with denoise on
      denoise(model);
      recorded_step();
      finished_ = true;
      return true;
    }
    const auto velocity = [&](double t, const Points& x, Points& out) {
      flow_velocity(model, sde_, x, t, out);
    };
    try {
      ode_.step(velocity, x_);
    } catch (const InputError&) {  // a level the score cannot serve: refused as it says
      finished_ = true;
      throw;
    } catch (const std::runtime_error& e) {  // RK45 found no acceptable step: the run is over
      finished_ = true;
      throw std::runtime_error(std::string("probability-flow ") + e.what());
    }
    recorded_step();
    if (ode_.done() && !c_.denoise) finished_ = true;
    return true;
  }
  int total_steps() const override {
    if (c_.method == OdeMethod::Rk45) return -1;
    return c_.steps + (c_.denoise ? 1 : 0);
  }
  NoiseLevel level() const override {
    return denoised_ ? NoiseLevel::clean() : sde_.level(ode_.t());
  }

 private:
  // The prior p_T: the right start for t_start = 1 (start(x0) for anything else).
  void initial(Index, Rng& rng, Points& out) const override { sde_.sample_prior(out, rng); }
  void on_start() override {
    ode_.start(c_.t_start, c_.t_end);
    denoised_ = false;
  }

  // get_ode_sampler's denoise_update_fn: one reverse-diffusion step at t_end returning x_mean,
  //   x ← x − (f_i − G_i² s) = (1 − f_coef) x + G_i² s(x, t_end).
  void denoise(const ScoreModel& model) {
    const Sde::Discrete d = sde_.discretize(c_.t_end);
    eval_score(model, sde_.level(c_.t_end), x_);
    x_ = static_cast<float>(1.0 - d.f_coef) * x_ + static_cast<float>(d.G * d.G) * score_;
    denoised_ = true;
  }

  ProbabilityFlowConfig c_;
  Sde sde_;
  OdeSolver<Points> ode_;  // owns the time t, the step size and the Runge–Kutta stages
  bool denoised_ = false;
};

}  // namespace

bool flows_on_velocity(const ScoreModel& model, const Sde& sde) {
  return sde.t_max() < Sde::T && model.has_velocity();
}

void flow_velocity(const ScoreModel& model, const Sde& sde, const Points& x, double t,
                   Points& out) {
  if (flows_on_velocity(model, sde)) {
    model.velocity(x, sde.level(t), out);
    return;
  }
  model.score(x, sde.level(t), out);
  const double g = sde.diffusion(t);
  out = static_cast<float>(sde.drift_coef(t)) * x + static_cast<float>(-0.5 * g * g) * out;
}

bool edit(ParamEditor& e, ProbabilityFlowConfig& c) {
  bool changed = e.choice("method", c.method);
  if (c.method == OdeMethod::Rk45) {
    changed |= e.number("rtol", c.rtol, 1e-8, 1e-1, "%.2g", true);
    changed |= e.number("atol", c.atol, 1e-8, 1e-1, "%.2g", true);
  } else {
    changed |= e.integer("steps", c.steps, 1, 2000);
  }
  return changed;
}

SamplerWork work(const ProbabilityFlowConfig& c, const SigmaSchedule&, const SdeParams&) {
  // RK45 adapts its steps (one step size for all particles): measured on ring8 with 2,000–10,000
  // particles, the time of about 190 evaluations at rtol 1e-5 (6–13 accepted steps, with the
  // rejected ones; a learned score's flow costs more of them), scaling about as rtol^-0.15.
  if (c.method == OdeMethod::Rk45) {
    const double evaluations = 190 * std::pow(std::max(c.rtol, 1e-10) / 1e-5, -0.15);
    return {evaluations, evaluations / 6};
  }
  const double per = c.method == OdeMethod::Euler ? 1 : c.method == OdeMethod::Heun ? 2 : 4;
  return {per * c.steps + 1, double(c.steps)};
}

std::unique_ptr<Sampler> build(const ProbabilityFlowConfig& config, const SigmaSchedule&,
                               const SdeParams& sde) {
  const Sde process(sde);  // validates the SDE
  config.condition.validate_guidance_only();
  require_in_range("sampler.steps", config.steps, 1, 1e6);
  require_in_range("sampler.rtol", config.rtol, 1e-7, 1.0);  // float particles: see the top
  require_above("sampler.atol", config.atol, 0.0);
  require_in_range("sampler.atol", config.atol, 0.0, 1e3);
  require_in_range("sampler.t_start", config.t_start, 0.0, 1.0);
  require_in_range("sampler.t_end", config.t_end, 0.0, 1.0);
  if (config.t_start == config.t_end)
    throw InputError("sampler.t_start and sampler.t_end must differ (both are " +
                     std::to_string(config.t_start) + ")");
  if (config.denoise && config.t_end > config.t_start)
    throw InputError("sampler.denoise needs t_end < t_start (it removes noise at the data end)");
  // The VP denoising step uses √(1 − β_i) with β_i up to β_max / N: N ≤ β_max gives NaN.
  if (config.denoise && process.kind() == SdeKind::VP && !(sde.beta_max < sde.N))
    throw InputError("noise.sde.N must exceed noise.sde.beta_max (" + std::to_string(sde.beta_max) +
                     ") for the VP denoising step, got " + std::to_string(sde.N));
  return std::make_unique<ProbabilityFlowSampler>(config, sde);
}

}  // namespace scorelab
