// Points as CSV text: the one format `scorelab sample` writes and the window's scripted
// --particles-out writes too, so the two can be compared byte for byte.
#pragma once
#include <string>

#include "core/common/points.h"

namespace scorelab::cli {

// "x,y" then one row per column of x, each float in its shortest text that reads back exactly.
std::string particles_csv(const Points& x);
// Appends v's shortest round-trip text (std::to_chars): reading it back as the same type gives v
// bit for bit (up to 9 significant digits for a float, 17 for a double).
void append_float(std::string& s, float v);
void append_double(std::string& s, double v);

}  // namespace scorelab::cli
