// The objective layer's settings: an inset chart of the continuous-time training objective's
// weighting over t — λ(t) as the scene's train block sets it, the mean square of the denoising
// target E‖∇ log p_0t(x_t | x_0)‖² = 2 / s(t)², and their product, the size of the weighted
// target, with the panel's t marked (the blog's "λ(t) ∝ 1 / E‖∇ log p_0t‖²").
// Drawn by app/layers/objective_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct ObjectiveLayerSettings {
  static constexpr std::string_view key = "objective";  // layers.objective in scene files
  bool on = false;
  bool operator==(const ObjectiveLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ObjectiveLayerSettings> {
  v("on", c.on);
}

// Throws InputError naming "layers.objective.<field>" and its range.
inline void validate(const ObjectiveLayerSettings& c) {
  (void)c;  // nothing but a switch
}

}  // namespace scorelab
