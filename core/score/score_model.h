// ScoreModel: anything that answers ∇ₓ log p_level(x) for a batch of points.
//
// Convention: this is the SCORE (gradient of the log-density, units 1/data-unit), never a noise
// prediction; models that predict noise convert before answering (score = −ε̂ / s).
// Two kinds exist: exact (GaussianMixture, EmpiricalMixture in core/distributions) and learned
// (the MLP snapshot in core/nn). Samplers, fields and lessons only ever see this interface.
#pragma once
#include "core/common/points.h"
#include "core/noise/noise_level.h"

namespace scorelab {

class ScoreModel {
 public:
  virtual ~ScoreModel() = default;

  // out.col(i) = ∇ₓ log p_level(x.col(i)); out is resized to 2×N. A const call must be safe to
  // make from several threads at once.
  virtual void score(const Points& x, const NoiseLevel& level, Points& out) const = 0;
};

}  // namespace scorelab
