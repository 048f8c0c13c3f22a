// The mesh layer's settings: a regular grid of `lines` × `lines` vertices carried by the
// probability-flow map of the panel's score (exact or learned) from the prior to the data or back,
// drawn as its warped grid lines (core/likelihood/flow_map_mesh.h says which region each
// direction's grid spans, and why), optionally over the faint unwarped grid.
// Drawn by app/layers/mesh_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"
#include "core/likelihood/flow_map_mesh.h"

namespace scorelab {

struct MeshLayerSettings {
  static constexpr std::string_view key = "mesh";  // layers.mesh in scene files
  bool on = false;
  FlowDirection direction = FlowDirection::PriorToData;  // "prior_to_data" or "data_to_prior"
  int lines = 21;         // vertices per grid line (G; the mesh has G × G), [2, kMaxMeshLines]
  bool reference = true;  // the unwarped grid, faint, under the warped one
  bool operator==(const MeshLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, MeshLayerSettings> {
  v("on", c.on);
  v("direction", c.direction);
  v("lines", c.lines);
  v("reference", c.reference);
}

// Throws InputError naming "layers.mesh.<field>" and its range.
inline void validate(const MeshLayerSettings& c) {
  require_in_range("layers.mesh.lines", c.lines, 2, kMaxMeshLines);
}

}  // namespace scorelab
