// Sequential Monte Carlo on the observed line: the imputation method that is right with any score
// that has a divergence, the learned one included (issue 23; "method": "smc", conditioning.h).
//
// Imputation wants x_u ~ p_0(x_u | x_c = a). The targets, one per noise level σ (VE-type levels,
// m = 1, as annealed Langevin's schedule gives):
//     q_σ(x_u) ∝ p_σ(x_u, a),
// the noised joint density along the line x_c = a; at the last level σ_L it is the conditional
// blurred by σ_L. Annealed Langevin with x_c held at a moves x_u towards q_σ at each level, but
// Langevin at small σ does not carry particles between modes: the share of each mode freezes
// where the modes separate, while the conditional's mode masses keep changing down to σ_L (that is
// the bias of plain annealing and of the replacement method). Importance weights carry that
// change: when the level moves from σ to σ′, each particle's weight is multiplied by
//     q_σ′(x) / q_σ(x) = exp(½ ∫_{σ²}^{σ′²} (∇·s + ‖s‖²)(x_u, a) dv),
// the heat equation ∂_v log p_v = ½ (Δ log p + ‖∇ log p‖²), v = σ², written with the score s and
// its divergence at the particle (the full 2-D divergence and score: q_σ is the joint density
// evaluated on the line). The integral is taken at the particle with Simpson's rule in log v.
// When the effective sample size falls below half the particles they are resampled
// (systematic); at the end of a run always, so the result is an unweighted sample.
// The moves are annealed Langevin's own (α_i = ε σ_i² / σ_L²), which barely move the particles at
// small σ: measured with a network (tests/core/sample/imputation_test.cpp), moves that mix at every
// level (score_sde's snr rule) follow the network's small-σ density on the line, whose mode
// weights are far off in the gaps between modes (0.002 / 0.998 against 0.37 / 0.62), and failed
// the energy test at 19× its threshold where these pass at 0.7×.
// (Annealed importance sampling, Neal 2001; SMC samplers, Del Moral, Doucet & Jasra 2006; weights
// from the score's PDE as in Skreta et al. 2025, "Feynman–Kac correctors".)
//
// Units: levels and positions in data units; log weights in nats.
#pragma once
#include <Eigen/Core>

#include "core/common/rng.h"
#include "core/score/score_model.h"

namespace scorelab {

class LineSmc {
 public:
  // Simpson's rule in u = ln v takes steps of at most this (an even number of them, at least 2):
  // on the held-out mixture the increments then agree with the closed-form log-density
  // differences to 4e-5 nats, for neighbouring levels and for a 10× step in σ alike (test).
  static constexpr double kMaxStep = 0.2;
  // The Simpson intervals between two levels.
  static int intervals(const NoiseLevel& from, const NoiseLevel& to);

  // Row `known` (0 = x1, 1 = x2) of the particles is held at `value` (data units).
  LineSmc(int known, double value) : known_(known), value_(value) {}

  int known() const { return known_; }
  void start(Points& x);  // holds x_c at its value; n uniform weights (n = x.cols())
  void hold(Points& x) const { x.row(known_).setConstant(static_cast<float>(value_)); }

  // log q_to(x) − log q_from(x) per particle (nats, N), for levels with m = 1; non-finite where
  // the score or its divergence is not finite. Throws InputError without model.has_divergence().
  Eigen::VectorXd log_ratio(const ScoreModel& model, const NoiseLevel& from, const NoiseLevel& to,
                            const Points& x) const;
  // The weights times q_to/q_from; resampled when the effective sample size drops below N/2.
  void reweight(const ScoreModel& model, const NoiseLevel& from, const NoiseLevel& to, Points& x,
                Rng& rng);
  // Systematic resampling by the current weights; afterwards the weights are uniform.
  void resample(Points& x, Rng& rng);

  double effective_sample_size() const;  // (Σw)² / Σw², in particles
  int resamples() const { return resamples_; }

 private:
  int known_;
  double value_;
  Eigen::VectorXd log_w_;  // per particle, nats (relative: only differences matter)
  int resamples_ = 0;
};

}  // namespace scorelab
