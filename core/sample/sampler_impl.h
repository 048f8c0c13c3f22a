// Internal to core/sample: the state every sampler shares (score and noise buffers, the fused
// x ← a·x + b·s + c·z update) and one factory per sampler family, each in its own .cpp.
#pragma once
#include <memory>

#include "core/sample/sampler.h"

namespace scorelab::detail {

// Throws InputError naming "sampler.init.<field>" unless the distribution is usable.
void validate(const InitialDistribution& init);
// Fills out (already 2 × n) with n draws from init.
void sample_initial(const InitialDistribution& init, Rng& rng, Points& out);

// The score and noise buffers are members reused by every step: after the first step of a run
// a step allocates nothing, and all per-particle work is one Eigen expression over the 2 × N batch.
class ParticleSampler : public Sampler {
 protected:
  // score_ = s(x, level).
  void eval_score(const ScoreModel& model, const NoiseLevel& level, const Points& x) {
    model.score(x, level, score_);
  }
  // noise_ = fresh N(0, I) draws, one per coordinate of the particles.
  void draw_noise(Rng& rng) {
    noise_.resize(2, x_.cols());  // no reallocation when the size is unchanged
    rng.fill_normal(noise_);
  }
  // x ← a·x + b·score_ + c·z with fresh z (no draw when c = 0). Every sampler's step is this
  // update for some (a, b, c), computed in double from the noise process and rounded once.
  void affine_update(double a, double b, double c, Rng& rng);

  Points score_;  // 2 × N, the score at the particles (or at a Runge–Kutta stage)
  Points noise_;  // 2 × N, standard normal draws
};

std::unique_ptr<Sampler> make_langevin(const LangevinConfig& config);
std::unique_ptr<Sampler> make_annealed_langevin(const AnnealedLangevinConfig& config,
                                                const SigmaSchedule& schedule);
std::unique_ptr<Sampler> make_reverse_sde(const ReverseSdeConfig& config, const SdeParams& sde);
std::unique_ptr<Sampler> make_probability_flow(const ProbabilityFlowConfig& config,
                                               const SdeParams& sde);

}  // namespace scorelab::detail
