// Langevin dynamics at one fixed noise level (see langevin.h).
#include "core/sample/langevin.h"

#include <cmath>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {
namespace {

using detail::ParticleSampler;

class LangevinSampler final : public ParticleSampler {
 public:
  explicit LangevinSampler(const LangevinConfig& c) : c_(c) {}

  bool step(const ScoreModel& model, Rng& rng) override {
    if (finished_) return false;
    eval_score(model, level(), x_);
    affine_update(1.0, c_.step_size, std::sqrt(2.0 * c_.step_size), rng);
    recorded_step();
    return true;
  }
  int total_steps() const override { return c_.steps; }
  NoiseLevel level() const override { return NoiseLevel::sigma(c_.sigma); }

 private:
  void initial(Index, Rng& rng, Points& out) const override { sample_initial(c_.init, rng, out); }

  LangevinConfig c_;
};

}  // namespace

bool edit(ParamEditor& e, LangevinConfig& c) {
  bool changed = e.number("step size", c.step_size, 1e-5, 10, "%.3g", true);
  changed |= e.integer("steps", c.steps, 1, 10000);
  changed |= e.number("sigma", c.sigma, 0, 20, "%.3g");
  changed |= edit(e, c.init);
  return changed;
}

SamplerWork work(const LangevinConfig& c, const SigmaSchedule&, const SdeParams&) {
  return {double(c.steps), double(c.steps)};
}

std::unique_ptr<Sampler> build(const LangevinConfig& c, const SigmaSchedule&, const SdeParams&) {
  detail::validate_step_size("sampler.step_size", c.step_size);
  require_in_range("sampler.steps", c.steps, 1, 1e6);
  require_in_range("sampler.sigma", c.sigma, 0.0, 1e6);
  validate(c.init);
  return std::make_unique<LangevinSampler>(c);
}

}  // namespace scorelab
