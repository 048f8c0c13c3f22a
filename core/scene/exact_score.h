// What a scene's data means to the core: its exact score (the ground truth the samplers run on
// headless and in tests) and its training stream (fresh draws for the trainer).
#pragma once
#include <memory>
#include <optional>

#include "core/common/rng.h"
#include "core/scene/scene.h"
#include "core/score/score_model.h"
#include "core/train/training_session.h"

namespace scorelab {

// Mixture datasets and custom mixtures: their GaussianMixture (exact at every noise level).
// Sample-only datasets (moons, ...): the EmpiricalMixture of data.points draws made with `rng`,
// the exact score of that finite sample. Drawn point sets: their EmpiricalMixture.
// Throws InputError for an unknown dataset or bad mixture.
std::unique_ptr<ScoreModel> make_exact_score(const DataConfig& data, Rng& rng);

// A scene's data as the window shows it: the exact score above and the points that stand for the
// data (an empirical mixture's own points; for a mixture, data.points draws made with `rng` after
// the score was built).
struct SceneData {
  std::unique_ptr<ScoreModel> exact;
  Points points;  // 2 × n, data units
};
SceneData make_scene_data(const DataConfig& data, Rng& rng);

// The components of a mixture data source (named mixture datasets included), else nullopt.
std::optional<MixtureComponents> mixture_components(const DataConfig& data);

// Fresh training draws of the data: every dataset and custom mixture samples its own density
// (sample-only datasets draw new points each call, not the finite sample above); a drawn point set
// is resampled with replacement.
DataSource make_data_source(const DataConfig& data);

}  // namespace scorelab
