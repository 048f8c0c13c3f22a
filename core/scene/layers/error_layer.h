// The error layer's settings: where the learned score is wrong (needs a trainer snapshot).
// Drawn by app/layers/error_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"
#include "core/scene/layers/layer_enums.h"

namespace scorelab {

struct ErrorLayerSettings {
  static constexpr std::string_view key = "error";  // layers.error in scene files
  bool on = false;
  ErrorKind kind = ErrorKind::Relative;
  int resolution = 64;          // texels across the panel, [8, 96]
  Colormap colormap = Colormap::Magma;
  // An outline where p (the exact density at the panel's level) is below its `quantile` over
  // the data points: the region with (almost) no data, where score matching has nothing to fit.
  struct LowDensityOutline {
    bool on = false;
    double quantile = 0.05;  // fraction of the data points with lower p, [0.001, 0.5]
    bool operator==(const LowDensityOutline&) const = default;
  } low_density_outline;
  bool operator==(const ErrorLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c)
  requires std::is_same_v<std::remove_const_t<C>, ErrorLayerSettings::LowDensityOutline>
{
  v("on", c.on);
  v("quantile", c.quantile);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ErrorLayerSettings> {
  v("on", c.on);
  v("kind", c.kind);
  v("resolution", c.resolution);
  v("colormap", c.colormap);
  v("low_density_outline", c.low_density_outline);
}

// Throws InputError naming "layers.error.<field>" and its range.
inline void validate(const ErrorLayerSettings& c) {
  require_in_range("layers.error.resolution", c.resolution, 8, 96);
  require_in_range("layers.error.low_density_outline.quantile", c.low_density_outline.quantile,
                   0.001, 0.5);
}

}  // namespace scorelab
