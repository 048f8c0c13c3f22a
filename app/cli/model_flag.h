// `--model FILE`, as every command that runs a scene with a trained model reads it (sample,
// likelihood, export).
#pragma once
#include <iosfwd>
#include <string_view>

#include "app/cli/command.h"
#include "core/scene/checkpoint.h"

namespace scorelab::cli {

// The checkpoint named by --model, loaded for a run of `scene`. A model trained on other data or
// noise levels than the scene's is used as asked, with a warning on `err` that says what differs
// ("scorelab sample: warning: model.ckpt: it was trained on ring8 ..."). Throws InputError for a
// file that is not a valid checkpoint.
Checkpoint load_model_flag(const Flags& flags, const Scene& scene, std::string_view command,
                           std::ostream& err);

}  // namespace scorelab::cli
