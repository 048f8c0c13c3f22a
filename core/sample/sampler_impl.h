// Internal to core/sample: the state every sampler shares (score and noise buffers, the fused
// x ← a·x + b·s + c·z update), for the kinds' own .cpp files.
#pragma once
#include <string>

#include "core/sample/sampler.h"

namespace scorelab::detail {

// Rejects Langevin step sizes that are not > 0 or so large that one step throws particles to
// infinity (InputError naming `what`).
void validate_step_size(const std::string& what, double v);

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

  Points score_;  // 2 × N, the score at the particles (or at a Runge–Kutta stage; DDIM on a
                  // velocity model: the velocity, its b then in units of time)
  Points noise_;  // 2 × N, standard normal draws
};

}  // namespace scorelab::detail
