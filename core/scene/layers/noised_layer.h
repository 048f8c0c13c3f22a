// The noised-data layer's settings: the data perturbed to the panel's level, x_t = m x_0 + s z
// (one z per point).
// Drawn by app/layers/noised_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct NoisedLayerSettings {
  static constexpr std::string_view key = "noised";  // layers.noised in scene files
  bool on = false;
  double point_size = 3;  // pixels (before UI scale), [1, 20]
  double opacity = 0.6;   // [0, 1]
  // An arrow from each noisy copy x_t back to m x_0, its own data point scaled to the level: the
  // direction of its denoising target −(x_t − m x_0)/s² (the arrow is s² times the target).
  // Drawn for at most kMaxNoisedPairs points.
  bool pairs = false;
  bool operator==(const NoisedLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, NoisedLayerSettings> {
  v("on", c.on);
  v("point_size", c.point_size);
  v("opacity", c.opacity);
  v("pairs", c.pairs);
}

// Throws InputError naming "layers.noised.<field>" and its range.
inline void validate(const NoisedLayerSettings& c) {
  require_in_range("layers.noised.point_size", c.point_size, 1, 20);
  require_in_range("layers.noised.opacity", c.opacity, 0, 1);
}

}  // namespace scorelab
