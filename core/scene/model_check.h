// Whether a trained model is good enough to publish: the last check of `scorelab train` before it
// writes a checkpoint, and of `scorelab sample` before it writes samples.
//
// The divergence guard catches training that blows up; it cannot see training that settles on a
// useless model (lr 1e3 rolled back to 0.1 gives samples at radius 10³–10⁵ for data of radius 4).
// These checks compare the model with the data it was trained on.
#pragma once
#include <string>

#include "core/common/points.h"
#include "core/scene/checkpoint.h"

namespace scorelab {

// Where the data lies: the mean of a seeded draw of 4096 points and the largest distance of a
// point from it (at least 1, so a point mass still has a region); with an observation or an
// imputation, at least as far as the observed value (the posterior follows it).
struct DataRegion {
  Eigen::Vector2d center = Eigen::Vector2d::Zero();
  double radius = 1;
};
DataRegion data_region(const Scene& scene);

// Particles farther than `factor` × the region's radius from its centre (non-finite ones count).
Index count_outside(const Points& x, const DataRegion& region, double factor);

struct ModelVerdict {
  bool ok = true;
  std::string reason;  // why not, for the user ("" when ok)
};

// Checks the checkpoint's EMA weights on a held-out batch (seeded apart from training): the
// objective's loss must not be above that of `initial_params` (the weights before training) on
// the same batch; its score error against the exact score (the quality meter's bands,
// core/train/quality.h) must be at most 3/4 of the untrained network's; and of 256 particles sampled with the scene's sampler on the learned score at
// least half must lie within 2 × the data's radius and at most 10% beyond 10 × (non-finite ones
// count as beyond). A scene whose sampler would take over 2 s (estimated) on 256 particles is
// checked with a 200-step reverse SDE of its noise process instead (sampling_check_scene).
ModelVerdict check_trained_model(const Checkpoint& checkpoint,
                                 const Eigen::VectorXf& initial_params);

// The scene whose sampler the check above runs, and its estimated seconds (limits.h): `train`
// adds them to its estimate.
Scene sampling_check_scene(Scene scene);
double check_seconds(const Scene& scene);

}  // namespace scorelab
