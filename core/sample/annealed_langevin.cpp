// Annealed Langevin dynamics over the σ schedule (see annealed_langevin.h).
#include "core/sample/annealed_langevin.h"

#include <cmath>
#include <optional>
#include <vector>

#include "core/common/error.h"
#include "core/sample/line_smc.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {
namespace {

using detail::ParticleSampler;

class AnnealedLangevinSampler final : public ParticleSampler {
 public:
  AnnealedLangevinSampler(const AnnealedLangevinConfig& c, const SigmaSchedule& schedule) : c_(c) {
    if (c.condition.weighs()) {
      const bool x2 = c.condition.observe == Conditioning::Observe::X2;
      smc_.emplace(x2 ? 1 : 0, x2 ? c.condition.x2 : c.condition.x1);
    }
    levels_ = schedule.noise_levels();  // descending σ, σ_L = last
    const double sigma_l = levels_.back().s;
    for (const NoiseLevel& l : levels_)
      alphas_.push_back(c.epsilon * l.s * l.s / (sigma_l * sigma_l));  // α_i = ε σ_i² / σ_L²
  }

  bool step(const ScoreModel& model, Rng& rng) override {
    if (finished_) return false;
    const int k = steps_taken_;
    if (k < annealing_steps()) {
      const int i = k / c_.steps_per_level;
      if (smc_ && k > 0 && k % c_.steps_per_level == 0)
        smc_->reweight(model, levels_[i - 1], levels_[i], x_, rng);  // entering level i
      eval_score(model, levels_[i], x_);
      move(1.0, alphas_[i], std::sqrt(2.0 * alphas_[i]), rng);
      // The weights stand for q_{σ_L} after its moves: the run ends unweighted.
      if (smc_ && k + 1 == annealing_steps()) smc_->resample(x_, rng);
    } else {  // the final denoising step (Tweedie): x ← x + σ_L² s(x, σ_L), no noise
      const double sigma_l = levels_.back().s;
      eval_score(model, levels_.back(), x_);
      move(1.0, sigma_l * sigma_l, 0.0, rng);
    }
    recorded_step();
    return true;
  }
  int total_steps() const override { return annealing_steps() + (c_.denoise ? 1 : 0); }
  NoiseLevel level() const override {
    if (steps_taken_ == 0) return levels_.front();
    if (steps_taken_ > annealing_steps()) return NoiseLevel::clean();  // after the denoising
    return levels_[(steps_taken_ - 1) / c_.steps_per_level];
  }

 private:
  void initial(Index, Rng& rng, Points& out) const override { sample_initial(c_.init, rng, out); }
  void on_start() override {
    if (smc_) smc_->start(x_);
  }
  // x ← a·x + b·s + c·z; under SMC imputation the known coordinate stays at its value.
  void move(double a, double b, double c, Rng& rng) {
    if (smc_) score_.row(smc_->known()).setZero();
    affine_update(a, b, c, rng);
    if (smc_) smc_->hold(x_);
  }
  int annealing_steps() const { return static_cast<int>(levels_.size()) * c_.steps_per_level; }

  AnnealedLangevinConfig c_;
  std::vector<NoiseLevel> levels_;  // schedule.level(i), i = 0 (largest σ) … L − 1
  std::vector<double> alphas_;      // α_i, data units²
  std::optional<LineSmc> smc_;      // SMC imputation's weights, when the condition asks for it
};

}  // namespace

bool edit(ParamEditor& e, AnnealedLangevinConfig& c) {
  bool changed = e.number("epsilon", c.epsilon, 1e-7, 10, "%.3g", true);
  changed |= e.integer("T per level", c.steps_per_level, 1, 1000);
  changed |= e.toggle("final denoise", c.denoise);
  changed |= edit(e, c.init);
  return changed;
}

SamplerWork work(const AnnealedLangevinConfig& c, const SigmaSchedule& schedule,
                 const SdeParams&) {
  const double steps = double(c.steps_per_level) * schedule.levels;
  // SMC imputation: (intervals + 1) score-and-divergence calls per level change, ~3 scores each.
  double weighing = 0;
  if (c.condition.weighs()) {
    const std::vector<NoiseLevel> levels = schedule.noise_levels();
    for (std::size_t i = 1; i < levels.size(); ++i)
      weighing += 3.0 * (LineSmc::intervals(levels[i - 1], levels[i]) + 1);
  }
  return {steps + 1 + weighing, steps};
}

std::unique_ptr<Sampler> build(const AnnealedLangevinConfig& c, const SigmaSchedule& schedule,
                               const SdeParams&) {
  detail::validate_step_size("sampler.epsilon", c.epsilon);
  require_in_range("sampler.steps_per_level", c.steps_per_level, 1, 1e6);
  schedule.validate();
  require_in_range("sampler.steps_per_level × noise.schedule.levels",
                   double(c.steps_per_level) * schedule.levels, 1, 1e8);
  validate(c.init);
  c.condition.validate();
  if (c.condition.replaces())
    throw InputError(
        "sampler.condition.method 'replacement' needs the reverse_sde sampler; "
        "annealed Langevin imputes with 'smc' (any score) or 'exact'");
  return std::make_unique<AnnealedLangevinSampler>(c, schedule);
}

}  // namespace scorelab
