// The axes layer's settings: ticks, labels and an optional grid.
// Drawn by app/layers/axes_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct AxesLayerSettings {
  static constexpr std::string_view key = "axes";  // layers.axes in scene files
  bool on = true;
  bool grid = true;
  bool operator==(const AxesLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, AxesLayerSettings> {
  v("on", c.on);
  v("grid", c.grid);
}

// Throws InputError naming "layers.axes.<field>" and its range.
inline void validate(const AxesLayerSettings& c) {
  (void)c;  // nothing but switches
}

}  // namespace scorelab
