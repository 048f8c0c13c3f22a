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
// with J = ∂score/∂x. Batch loss = mean over samples; the sum runs over the 2 dimensions.
// Levels: Continuous draws t ~ U(eps, 1) through the SDE; Discrete draws σ_c uniformly from the
// schedule. Sliced and Exact see x̃ = m x + s z when `perturb` is on (annealed, λ = s²); with it
// off they see the clean data at level s and λ = 1 — the blog's low-density pitfall.
#pragma once
#include "core/common/enum_table.h"
#include <Eigen/Core>
#include <string_view>

#include "core/common/rng.h"
#include "core/nn/mlp.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"

namespace scorelab {

enum class ObjectiveKind { Denoising, Sliced, SlicedVR, Exact };
enum class LevelSource { Continuous, Discrete };

struct ObjectiveConfig {
  ObjectiveKind kind = ObjectiveKind::Denoising;
  LevelSource levels = LevelSource::Continuous;
  bool likelihood_weighting = false;  // λ = g(t)² instead of s² (Denoising + Continuous only)
  bool perturb = true;                // Sliced / Exact: train on perturbed data (see above)
  double eps = 1e-5;                  // smallest t drawn, Continuous levels (score_sde default)
  bool operator==(const ObjectiveConfig&) const = default;

  void validate() const;  // throws InputError naming the field
};

// One drawn batch. N samples; shapes in the comments.
template <class S>
struct ObjectiveBatch {
  PointsT<S> x;           // 2 × N  model input (perturbed or clean data)
  LevelBatch<S> level;    // N      t and s of each sample
  PointsT<S> z;           // 2 × N  the noise added (Denoising)
  PointsT<S> v;           // 2 × N  projection directions (Sliced, SlicedVR)
  ValuesT<S> weight;      // N      λ
  template <class T>
  ObjectiveBatch<T> cast() const {
    return {x.template cast<T>(), {level.t.template cast<T>(), level.s.template cast<T>()},
            z.template cast<T>(), v.template cast<T>(), weight.template cast<T>()};
  }
};

class Objective {
 public:
  Objective(const ObjectiveConfig& config, const Sde& sde, const SigmaSchedule& schedule);

  const ObjectiveConfig& config() const { return cfg_; }

  // Draw the noise of a batch for clean data x0 (2 × N).
  void draw(const Points& x0, Rng& rng, ObjectiveBatch<float>& batch) const;

  // Mean loss of the batch; if grad is non-null, adds ∂loss/∂θ to it. per_sample (optional)
  // receives each sample's weighted loss (for the per-noise-band history).
  template <class S>
  double evaluate(const MlpT<S>& mlp, const Eigen::Matrix<S, Eigen::Dynamic, 1>& params,
                  const ObjectiveBatch<S>& batch, typename MlpT<S>::Context& ctx,
                  Eigen::Matrix<S, Eigen::Dynamic, 1>* grad, ValuesT<S>* per_sample) const;

 private:
  ObjectiveConfig cfg_;
  Sde sde_;
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

}  // namespace scorelab
