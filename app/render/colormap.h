// The colormaps of the heatmaps on the CPU (legends), twins of the polynomials in field.frag.
#pragma once
#include <array>

#include "core/scene/scene.h"

namespace scorelab::render {

std::array<float, 3> colormap_rgb(Colormap map, float t);  // t in [0, 1] (clamped), RGB in [0, 1]

}  // namespace scorelab::render
