// Langevin dynamics at one fixed noise level, and annealed Langevin dynamics over a σ schedule
// (NCSN / NCSNv2), both in the image code's convention x ← x + α s + √(2α) z.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab::detail {
namespace {

// Rejects step sizes that are not > 0 or so large that one step throws particles to infinity.
void validate_step_size(const std::string& what, double v) {
  require_above(what, v, 0.0);
  require_in_range(what, v, 0.0, 1e6);
}

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

class AnnealedLangevinSampler final : public ParticleSampler {
 public:
  AnnealedLangevinSampler(const AnnealedLangevinConfig& c, const SigmaSchedule& schedule) : c_(c) {
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
      eval_score(model, levels_[i], x_);
      affine_update(1.0, alphas_[i], std::sqrt(2.0 * alphas_[i]), rng);
    } else {  // the final denoising step (Tweedie): x ← x + σ_L² s(x, σ_L), no noise
      const double sigma_l = levels_.back().s;
      eval_score(model, levels_.back(), x_);
      affine_update(1.0, sigma_l * sigma_l, 0.0, rng);
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
  int annealing_steps() const { return static_cast<int>(levels_.size()) * c_.steps_per_level; }

  AnnealedLangevinConfig c_;
  std::vector<NoiseLevel> levels_;  // schedule.level(i), i = 0 (largest σ) … L − 1
  std::vector<double> alphas_;      // α_i, data units²
};

}  // namespace

std::unique_ptr<Sampler> make_langevin(const LangevinConfig& config) {
  validate_step_size("sampler.step_size", config.step_size);
  require_in_range("sampler.steps", config.steps, 1, 1e6);
  require_in_range("sampler.sigma", config.sigma, 0.0, 1e6);
  validate(config.init);
  return std::make_unique<LangevinSampler>(config);
}

std::unique_ptr<Sampler> make_annealed_langevin(const AnnealedLangevinConfig& config,
                                                const SigmaSchedule& schedule) {
  validate_step_size("sampler.epsilon", config.epsilon);
  require_in_range("sampler.steps_per_level", config.steps_per_level, 1, 1e6);
  schedule.validate();
  require_in_range("sampler.steps_per_level × noise.schedule.levels",
                   double(config.steps_per_level) * schedule.levels, 1, 1e8);
  validate(config.init);
  return std::make_unique<AnnealedLangevinSampler>(config, schedule);
}

}  // namespace scorelab::detail
