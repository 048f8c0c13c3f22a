// The encoding layer's settings: the first `points` data points carried by the probability-flow
// ODE to their codes x(T) (drawn beside the data, joined by lines) and decoded back, with the
// round trip's largest error as a readout; the panel's score (exact or learned).
// Drawn by app/layers/encoding_layer.cpp; one member of LayersConfig (core/scene/layers_config.h).
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

struct EncodingLayerSettings {
  static constexpr std::string_view key = "encoding";  // layers.encoding in scene files
  bool on = false;
  int points = 100;       // data points encoded, [1, 2000]
  bool lines = true;      // a line from each point to its code
  bool operator==(const EncodingLayerSettings&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, EncodingLayerSettings> {
  v("on", c.on);
  v("points", c.points);
  v("lines", c.lines);
}

// Throws InputError naming "layers.encoding.<field>" and its range.
inline void validate(const EncodingLayerSettings& c) {
  require_in_range("layers.encoding.points", c.points, 1, 2000);
}

}  // namespace scorelab
