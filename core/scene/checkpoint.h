// Checkpoints: a trained score model saved with the scene it was trained with, in a versioned
// binary file that is checked end to end before anything is used.
//
// Layout (little-endian, as every x86-64 / ARM64 machine we run on):
//   offset  size        field
//   0       8           magic "SCRLCKPT"
//   8       4  u32      format version (3; version 1, whose header scene has no scene version,
//                       is read as scene version 1: core/scene/scene_version.h; versions 1 and 2
//                       have no data_reach)
//   12      4  u32      H: length of the header text
//   16      H           header: JSON {"scene": <scene JSON, incl. model and train>,
//                                     "embedding_frequencies": [...], "step", "ema_updates",
//                                     "adam_steps", "num_params",
//                                     "data_reach": {"center": [x, y], "radius": R}}
//                       A class-conditional network's class count is the scene's
//                       model.classes (its class embedding ends the parameter vector).
//                       data_reach (core/nn/mlp.h DataReach) is present when the model has the
//                       skip far field; a checkpoint written before that existed has none, and its
//                       model is read with the far field it was trained with, "network".

//   16+H    4·P·4 f32   params, ema, adam_m, adam_v (P = num_params each)
//   end−8   8  u64      FNV-1a 64 of every byte before it
// A truncated, bit-flipped, foreign or inconsistent file (wrong sizes, non-finite weights, a
// parameter count that does not match the architecture) is rejected with an InputError that says
// which check failed; nothing is constructed from it.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/nn/learned_score.h"
#include "core/scene/scene.h"
#include "core/train/training_session.h"

namespace scorelab {

struct Checkpoint {
  Scene scene;                      // the scene it was trained with (data, noise, model, train)
  std::vector<double> frequencies;  // the noise embedding's fixed frequencies
  std::optional<DataReach> reach;   // where the data lies (the skip far field), if it has one
  long step = 0, ema_updates = 0, adam_steps = 0;
  Eigen::VectorXf params, ema, adam_m, adam_v;

  // The network described by scene.train.model with these frequencies and weights.
  std::shared_ptr<const ModelSnapshot> snapshot() const;
};

// The state of a session (trained on `scene`) as a checkpoint.
Checkpoint make_checkpoint(const TrainingSession& session, const Scene& scene);

// A checkpoint of a published snapshot (the window's current model): weights and their EMA, but
// no optimiser state, which snapshots do not carry, so training resumed from it starts Adam's
// moments from zero. The EMA's warm-up count is taken to be the step count.
Checkpoint checkpoint_of_snapshot(const ModelSnapshot& snapshot, const Scene& scene);

// What differs between the data and noise levels `checkpoint` was trained on and `scene`'s, in
// words ("it was trained on ring8 with the VE SDE; this scene has moons with the VP SDE"), or ""
// when they agree. A model used with a scene it was not trained for scores the density it was
// trained on: the window and the commands say so (a warning, not a refusal: comparing a model
// with other data is a legitimate experiment).
std::string training_mismatch(const Checkpoint& checkpoint, const Scene& scene);

std::string serialize_checkpoint(const Checkpoint& checkpoint);
Checkpoint parse_checkpoint(std::string_view bytes, const std::string& name);

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);  // atomic
Checkpoint load_checkpoint(const std::string& path);

}  // namespace scorelab
