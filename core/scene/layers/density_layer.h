// The density layer's settings: log p at the panel's level as a heatmap with contour lines.
// Drawn by app/layers/density_layer.cpp and contours_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"
#include "core/scene/layers/layer_enums.h"

namespace scorelab {

struct DensityLayerSettings {
  static constexpr std::string_view key = "density";  // layers.density in scene files
  bool on = true;
  Colormap colormap = Colormap::Viridis;
  double range = 12;            // nats shown below the maximum of log p, [0.1, 1000]
  int resolution = 160;         // texels across the panel, [8, 1024]
  bool contours = true;
  double contour_spacing = 1;   // nats between contour lines, [0.01, 100]
  // One colour range for every panel and level: the top is the largest log p of the data at the
  // smallest noise level, `range` nats below it the bottom (so a flat high-noise density looks
  // flat). Off: each panel rescales to its own view every frame (not in small multiples, whose
  // panels always share the scale).
  bool lock_scale = true;
  bool operator==(const DensityLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, DensityLayerSettings> {
  v("on", c.on);
  v("colormap", c.colormap);
  v("range", c.range);
  v("resolution", c.resolution);
  v("contours", c.contours);
  v("contour_spacing", c.contour_spacing);
  v("lock_scale", c.lock_scale);
}

// Throws InputError naming "layers.density.<field>" and its range.
inline void validate(const DensityLayerSettings& c) {
  require_in_range("layers.density.range", c.range, 0.1, 1000);
  require_in_range("layers.density.resolution", c.resolution, 8, 1024);
  require_in_range("layers.density.contour_spacing", c.contour_spacing, 0.01, 100);
}

}  // namespace scorelab
