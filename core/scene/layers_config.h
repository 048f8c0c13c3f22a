// What the plot draws: every layer's settings, the scene file's "layers" block. Each layer's
// settings (its struct with its `key`, its scene-file `fields` and its `validate`) live in
// core/scene/layers/<key>_layer.h; its drawing in app/layers/<key>_layer.cpp.
//
// Adding a layer's settings: its header there, and its row below (the member and its line in
// `fields`, side by side). The scene reader, writer, validation, undo and lesson patches all go
// through `fields`; a block missing from it fails tests/core/scene/layers_config_test.cpp.
#pragma once
#include <type_traits>

#include "core/scene/layers/axes_layer.h"
#include "core/scene/layers/data_layer.h"
#include "core/scene/layers/density_layer.h"
#include "core/scene/layers/encoding_layer.h"
#include "core/scene/layers/error_layer.h"
#include "core/scene/layers/mesh_layer.h"
#include "core/scene/layers/model_density_layer.h"
#include "core/scene/layers/noised_layer.h"
#include "core/scene/layers/objective_layer.h"
#include "core/scene/layers/particles_layer.h"
#include "core/scene/layers/score_layer.h"

namespace scorelab {

struct LayersConfig {
  DataLayerSettings data;
  DensityLayerSettings density;
  ScoreLayerSettings score;
  ErrorLayerSettings error;
  ModelDensityLayerSettings model_density;
  EncodingLayerSettings encoding;
  MeshLayerSettings mesh;
  NoisedLayerSettings noised;
  ParticlesLayerSettings particles;
  AxesLayerSettings axes;
  ObjectiveLayerSettings objective;
  bool operator==(const LayersConfig&) const = default;
};

// Every block under its own key (the struct's `key`, so the name is written once).
template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, LayersConfig> {
  v(std::string(c.data.key), c.data);
  v(std::string(c.density.key), c.density);
  v(std::string(c.score.key), c.score);
  v(std::string(c.error.key), c.error);
  v(std::string(c.model_density.key), c.model_density);
  v(std::string(c.encoding.key), c.encoding);
  v(std::string(c.mesh.key), c.mesh);
  v(std::string(c.noised.key), c.noised);
  v(std::string(c.particles.key), c.particles);
  v(std::string(c.axes.key), c.axes);
  v(std::string(c.objective.key), c.objective);
}

// Every block's validate(), through `fields`: throws InputError naming the first bad field.
void validate(const LayersConfig& layers);

}  // namespace scorelab
