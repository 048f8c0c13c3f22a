// load_model_flag (see model_flag.h).
#include "app/cli/model_flag.h"

#include <ostream>
#include <string>

namespace scorelab::cli {

Checkpoint load_model_flag(const Flags& flags, const Scene& scene, std::string_view command,
                           std::ostream& err) {
  const std::string path = flags.text("--model");
  Checkpoint checkpoint = load_checkpoint(path);
  if (const std::string m = training_mismatch(checkpoint, scene); !m.empty())
    err << "scorelab " << command << ": warning: " << path << ": " << m << "\n";
  return checkpoint;
}

}  // namespace scorelab::cli
