// The random streams of a scene, split once from its seed, in one place.
//
// Scene::seed drives independent streams: `data` draws the scene's data (the finite sample of
// a sample-only dataset such as moons, whose empirical mixture is the exact score), `particles`
// places the sampler's particles and draws all of its noise, `display` draws noise shown only in
// pictures, `held_out` draws what tests a trained model on data it never saw. Splitting them
// means a change of sampler does not move the data draw and a change of data does not move the
// particles.
// Training has its own seed (TrainConfig::seed, "train.seed") and its own streams
// (core/train/training_session.cpp); they never touch these.
#pragma once
#include <cstdint>

#include "core/common/rng.h"

namespace scorelab {

struct SceneStreams {
  Rng data;       // the data draw (make_exact_score)
  Rng particles;  // initial particles and every sampler step
  Rng display;    // noise drawn only for pictures (the window's noised-data layer)
  // Checks of a trained model (core/scene/model_check.h: the data region, then split once for
  // its held-out batch and once for its samples) and the model-density map's held-out NLL draws.
  Rng held_out;
};

// Rng(seed) split in this order, data first: the order `scorelab sample` has always used, so its
// output for a given seed is unchanged (the streams added later come after it).
inline SceneStreams scene_streams(std::uint64_t seed) {
  Rng root(seed);
  Rng data = root.split();
  Rng particles = root.split();
  Rng display = root.split();
  Rng held_out = root.split();
  return {data, particles, display, held_out};
}

}  // namespace scorelab
