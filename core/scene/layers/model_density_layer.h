// The model-density layer's settings: the learned model's own log p on the view grid, through
// the probability-flow ODE (core/likelihood), computed in the background on request and drawn on
// learned panels in place of the data's exact density, with the density layer's colormap,
// contours and scale; also the held-out NLL of the model beside the exact NLL.
// Drawn by app/layers/model_density_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct ModelDensityLayerSettings {
  static constexpr std::string_view key = "model_density";  // layers.model_density in scene files
  bool on = false;
  int resolution = 128;   // texels across the panel, [8, 256]
  double tol = 1e-5;      // RK45 rtol = atol, [1e-7, 1e-2]
  int nll_points = 300;   // fresh data draws for the held-out NLL, [0, 5000] (0: none)
  bool operator==(const ModelDensityLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ModelDensityLayerSettings> {
  v("on", c.on);
  v("resolution", c.resolution);
  v("tol", c.tol);
  v("nll_points", c.nll_points);
}

// Throws InputError naming "layers.model_density.<field>" and its range.
inline void validate(const ModelDensityLayerSettings& c) {
  require_in_range("layers.model_density.resolution", c.resolution, 8, 256);
  require_in_range("layers.model_density.tol", c.tol, 1e-7, 1e-2);
  require_in_range("layers.model_density.nll_points", c.nll_points, 0, 5000);
}

}  // namespace scorelab
