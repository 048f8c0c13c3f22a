// The picture handed to the export encoders: plain 8-bit RGB in memory, so app/encode needs no
// GL and the renderer can fill it however it reads back its frames.
#pragma once
#include <cstdint>
#include <vector>

namespace scorelab::encode {

// An 8-bit RGB picture: rows top-down, 3 bytes per pixel (R, G, B), no row padding.
struct Image {
  int width = 0, height = 0;      // pixels
  std::vector<std::uint8_t> rgb;  // height × width × 3 bytes
};

}  // namespace scorelab::encode
