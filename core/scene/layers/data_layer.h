// The data layer's settings: the training samples as points.
// Drawn by app/layers/data_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct DataLayerSettings {
  static constexpr std::string_view key = "data";  // layers.data in scene files
  bool on = true;
  double point_size = 3;  // pixels (before UI scale), [1, 20]
  double opacity = 0.6;   // [0, 1]
  bool operator==(const DataLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, DataLayerSettings> {
  v("on", c.on);
  v("point_size", c.point_size);
  v("opacity", c.opacity);
}

// Throws InputError naming "layers.data.<field>" and its range.
inline void validate(const DataLayerSettings& c) {
  require_in_range("layers.data.point_size", c.point_size, 1, 20);
  require_in_range("layers.data.opacity", c.opacity, 0, 1);
}

}  // namespace scorelab
