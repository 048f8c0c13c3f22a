// LayersConfig's validation: every block's own validate(), in the order of its field list.
#include "core/scene/layers_config.h"

#include <string>

namespace scorelab {

void validate(const LayersConfig& layers) {
  fields([](const std::string&, const auto& block) { validate(block); }, layers);
}

}  // namespace scorelab
