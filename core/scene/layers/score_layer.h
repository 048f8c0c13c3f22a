// The score layer's settings: the score (or the velocity) field as arrows (instanced) and
// streamlines.
// Drawn by app/layers/arrows_layer.cpp and streamlines_layer.cpp; one member of LayersConfig
// (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"
#include "core/scene/layers/layer_enums.h"

namespace scorelab {

struct ScoreLayerSettings {
  static constexpr std::string_view key = "score";  // layers.score in scene files
  bool on = true;
  int grid = 24;                // arrows across the panel, [4, 128] (learned: at most 48)
  ArrowLength length = ArrowLength::Log;
  double scale = 1;             // arrow length multiplier, [0.05, 20]
  bool streamlines = false;
  int seeds = 14;               // streamline seeds across the panel, [2, 64]
  ArrowQuantity field = ArrowQuantity::Score;  // what the arrows show (layer_enums.h)
  bool operator==(const ScoreLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ScoreLayerSettings> {
  v("on", c.on);
  v("field", c.field);
  v("grid", c.grid);
  v("length", c.length);
  v("scale", c.scale);
  v("streamlines", c.streamlines);
  v("seeds", c.seeds);
}

// Throws InputError naming "layers.score.<field>" and its range.
inline void validate(const ScoreLayerSettings& c) {
  require_in_range("layers.score.grid", c.grid, 4, 128);
  require_in_range("layers.score.scale", c.scale, 0.05, 20);
  require_in_range("layers.score.seeds", c.seeds, 2, 64);
}

}  // namespace scorelab
