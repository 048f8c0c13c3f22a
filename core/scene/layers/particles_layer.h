// The particles layer's settings: the sampler's particles with fading trails.
// Drawn by app/layers/particles_layer.cpp and trails_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct ParticlesLayerSettings {
  static constexpr std::string_view key = "particles";  // layers.particles in scene files
  bool on = true;
  double point_size = 3;        // pixels, [1, 20]
  int trail = 16;               // frames of trail, [0, 500]
  int trail_particles = 200;    // particles that leave a trail, [0, 20000]
  bool operator==(const ParticlesLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ParticlesLayerSettings> {
  v("on", c.on);
  v("point_size", c.point_size);
  v("trail", c.trail);
  v("trail_particles", c.trail_particles);
}

// Throws InputError naming "layers.particles.<field>" and its range.
inline void validate(const ParticlesLayerSettings& c) {
  require_in_range("layers.particles.point_size", c.point_size, 1, 20);
  require_in_range("layers.particles.trail", c.trail, 0, 500);
  require_in_range("layers.particles.trail_particles", c.trail_particles, 0, 20000);
}

}  // namespace scorelab
