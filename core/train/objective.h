// Score-matching objectives (SCORE_SPEC §1): what the trainer minimises, on the score outputs.
//
// A batch is drawn once (noise levels, perturbed inputs, noise z, projections v) and then
// evaluated deterministically, so a finite-difference test can re-evaluate it at other weights.
// Every per-sample loss is multiplied by a weight λ (column `weight` of the batch):
//   Denoising   ½‖score + z/s‖²·λ            with λ = s²  (NCSN anneal_power 2, score_sde default)
//                                              or λ = g(t)² (likelihood weighting, continuous only)
//   Sliced      (vᵀJv + ½(vᵀscore)²)·λ,  v uniform on the unit circle        (NCSN sliced_sm)
//   SlicedVR    (vᵀJv + ½‖score‖²)·λ,    v ~ N(0, I)                         (sliced_sm VR)
//   Exact       (tr J + ½‖score‖²)·λ     exact 2-D trace of the input Jacobian (Hyvärinen)
//   FlowMatching ½‖v̂ − (ṡ z + ṁ x_0)‖²·λ, λ = 1: conditional flow matching on the network's
//               velocity v̂ (OutputScaling::Velocity), ṁ = m′(t), ṡ = s′(t); the straight path's
//               target is z − x_0 (Lipman et al. 2022; Liu et al. 2022). Unweighted, as those
//               papers: in score terms it is denoising with λ = (s (ṁ s/m − ṡ))², t²/(1 − t)²
//               on the straight path, which the velocity keeps finite. t ~ U(eps, 1 − eps)
//               (the ends excluded: the output's score conversion divides by s = t, and its
//               gradient by c = −(1 − t)/t); `distribution` and `weighting` do not apply.
// with J = ∂score/∂x. Batch loss = mean over samples; the sum runs over the 2 dimensions.
// Levels: Continuous draws t through the SDE, either t ~ U(eps, 1) (score_sde) or log σ̂ uniform
// between max(σ̂(eps), sigma_hat_min) and σ̂(1), σ̂ = s/m (every process then trains as much at
// small σ̂ as VE does; under VE the two coincide); Discrete draws σ_c uniformly from the schedule.
// Denoising weighting: λ = s² (score_sde default), g(t)² (likelihood), or balanced
// λ = m s √(σ̂² + σ_d²): with the preconditioned output (core/nn/mlp.h) the loss on h is then
// weighted by σ̂/√(σ̂² + σ_d²), the geometric mean of λ = s² (which all but ignores small σ̂,
// weight σ̂²/(σ̂² + σ_d²)) and EDM's uniform weight on h (whose small-σ̂ target noise, of variance
// ∝ 1/σ̂², then swamps the gradient). Measured in README "Model and training". Sliced and Exact see
// x̃ = m x + s z when `perturb` is on (annealed, λ = s²); with it off they see the clean data at
// level s and λ = 1 — the blog's low-density pitfall.
#pragma once
#include <Eigen/Core>
#include <string>
#include <string_view>
#include "core/common/enum_table.h"

#include "core/common/rng.h"
#include "core/nn/mlp.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"

namespace scorelab {

enum class ObjectiveKind { Denoising, Sliced, SlicedVR, Exact, FlowMatching };
enum class LevelSource { Continuous, Discrete };
enum class LevelDistribution { UniformT, LogSigma };   // Continuous levels only (see above)
enum class LossWeighting { Sigma2, Balanced };          // Denoising only (see above)

struct ObjectiveConfig {
  ObjectiveKind kind = ObjectiveKind::Denoising;
  LevelSource levels = LevelSource::Continuous;
  bool likelihood_weighting = false;  // λ = g(t)² instead of s² (Denoising + Continuous only)
  bool perturb = true;                // Sliced / Exact: train on perturbed data (see above)
  double eps = 1e-5;                  // smallest t drawn, Continuous levels (score_sde default)
  LevelDistribution distribution = LevelDistribution::LogSigma;  // how t is drawn (Continuous)
  LossWeighting weighting = LossWeighting::Balanced;  // Denoising λ unless likelihood_weighting
  // LogSigma: the smallest σ̂ drawn is max(σ̂(eps), sigma_hat_min), data units, in [1e-6, 1].
  // sub-VP reaches σ̂ ≈ 1e-6 at t = 1e-5; below ~1e-3 the target is pure noise and the sampler's
  // steps are too small to matter, so training there only dilutes the useful levels.
  double sigma_hat_min = 1e-3;
  bool operator==(const ObjectiveConfig&) const = default;

  void validate() const;  // throws InputError naming the field
  // The pairings the straight path needs (throws InputError naming the fields): its σ̂ = t/(1−t)
  // reaches ∞ at t = 1, so it trains by flow matching on a velocity network only, and flow
  // matching's velocity output holds on the straight path only.
  void validate_with(const SdeParams& sde, const MlpConfig& model) const;
};

// Makes the pairing validate_with asks for after the noise process became `kind` (a scene read
// with that kind, the window's SDE choice): to the straight path, flow matching on a velocity
// network; away from it, the denoising objective and the process's default network
// (default_model_for). Any other setting is left as it is.
void fit_training_to_path(ObjectiveConfig& objective, MlpConfig& model, SdeKind kind);

// One drawn batch. N samples; shapes in the comments.
template <class S>
struct ObjectiveBatch {
  PointsT<S> x;           // 2 × N  model input (perturbed or clean data)
  LevelBatch<S> level;    // N      t, m and s of each sample
  PointsT<S> z;           // 2 × N  the noise added (Denoising)
  PointsT<S> v;           // 2 × N  projection directions (Sliced, SlicedVR); the velocity
                          //        target ṡ z + ṁ x_0 (FlowMatching), data units per unit time
  ValuesT<S> weight;      // N      λ
  // Copies samples [begin, begin + n) into out (its buffers are reused when the size repeats).
  void slice(Index begin, Index n, ObjectiveBatch& out) const {
    out.x = x.middleCols(begin, n);
    out.level.t = level.t.segment(begin, n);
    out.level.m = level.m.segment(begin, n);
    out.level.s = level.s.segment(begin, n);
    if (level.label.size() > 0) out.level.label = level.label.segment(begin, n);
    out.z = z.middleCols(begin, n);
    out.v = v.middleCols(begin, n);
    out.weight = weight.segment(begin, n);
  }
  template <class T>
  ObjectiveBatch<T> cast() const {
    return {x.template cast<T>(),
            {level.t.template cast<T>(), level.m.template cast<T>(), level.s.template cast<T>(),
             level.label},
            z.template cast<T>(), v.template cast<T>(), weight.template cast<T>()};
  }
};

class Objective {
 public:
  // sigma_data: σ_d of the balanced weighting (the model's MlpConfig::sigma_data), data units.
  Objective(const ObjectiveConfig& config, const Sde& sde, const SigmaSchedule& schedule,
            double sigma_data = 1.0);

  const ObjectiveConfig& config() const { return cfg_; }

  // The weight λ of a sample at level `lv` (g2 = g(t)², for the likelihood weighting): the
  // one every drawn batch carries (column `weight`).
  double weight(const NoiseLevel& lv, double g2) const;
  // λ at time t of the SDE (continuous levels), and its formula in words for a picture.
  double weight_at(double t) const;
  std::string weight_formula() const;

  // Draw the noise of a batch for clean data x0 (2 × N).
  void draw(const Points& x0, Rng& rng, ObjectiveBatch<float>& batch) const;

  // Mean loss of the batch; if grad is non-null, adds ∂loss/∂θ to it. per_sample (optional)
  // receives each sample's weighted loss (for the per-noise-band history). mean_over: the count
  // the sum is divided by, 0 for this batch's size; a chunk of a larger batch passes the whole
  // batch's size, so that the chunks' losses and gradients add up to the batch's.
  template <class S>
  double evaluate(const MlpT<S>& mlp, const Eigen::Matrix<S, Eigen::Dynamic, 1>& params,
                  const ObjectiveBatch<S>& batch, typename MlpT<S>::Context& ctx,
                  Eigen::Matrix<S, Eigen::Dynamic, 1>* grad, ValuesT<S>* per_sample,
                  Index mean_over = 0) const;

 private:
  ObjectiveConfig cfg_;
  Sde sde_;
  double sigma_data_;
  double log_sh_lo_ = 0, log_sh_hi_ = 0;  // log σ̂ at eps and at T (LogSigma levels)
  std::vector<NoiseLevel> levels_;  // the discrete schedule's levels, σ descending
};

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<ObjectiveKind> {
  static constexpr std::string_view what = "objective";
  static constexpr EnumName<ObjectiveKind> names[] = {
      {ObjectiveKind::Denoising, "denoising", "denoising (DSM)"},
      {ObjectiveKind::Sliced, "sliced", "sliced"},
      {ObjectiveKind::SlicedVR, "sliced_vr", "sliced (VR)"},
      {ObjectiveKind::Exact, "exact", "exact (ESM)"},
      {ObjectiveKind::FlowMatching, "flow_matching", "flow matching (velocity)"},
  };
};

template <>
struct EnumTable<LevelSource> {
  static constexpr std::string_view what = "level source";
  static constexpr EnumName<LevelSource> names[] = {
      {LevelSource::Continuous, "continuous", "continuous (SDE)"},
      {LevelSource::Discrete, "discrete", "discrete (schedule)"},
  };
};

template <>
struct EnumTable<LevelDistribution> {
  static constexpr std::string_view what = "level distribution";
  static constexpr EnumName<LevelDistribution> names[] = {
      {LevelDistribution::UniformT, "uniform_t", "t uniform"},
      {LevelDistribution::LogSigma, "log_sigma", "log sigma uniform"},
  };
};

template <>
struct EnumTable<LossWeighting> {
  static constexpr std::string_view what = "loss weighting";
  static constexpr EnumName<LossWeighting> names[] = {
      {LossWeighting::Sigma2, "sigma2", "sigma^2"},
      {LossWeighting::Balanced, "balanced", "balanced"},
  };
};

}  // namespace scorelab
