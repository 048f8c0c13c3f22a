// The exact score of a scene's data: the ground truth the samplers run on headless and in tests.
#pragma once
#include <memory>

#include "core/common/rng.h"
#include "core/scene/scene.h"
#include "core/score/score_model.h"

namespace scorelab {

// Mixture datasets and custom mixtures: their GaussianMixture (exact at every noise level).
// Sample-only datasets (moons, ...): the EmpiricalMixture of data.points draws made with `rng`,
// the exact score of that finite sample. Throws InputError for an unknown dataset or bad mixture.
std::unique_ptr<ScoreModel> make_exact_score(const DataConfig& data, Rng& rng);

}  // namespace scorelab
