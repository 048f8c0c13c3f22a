// Pixel readback (see readback.h).
#include "app/render/readback.h"

#include <algorithm>

namespace scorelab::render {

void read_pixels(GLenum buffer, int width, int height, encode::Image& image) {
  image.width = width;
  image.height = height;
  const std::size_t row = std::size_t(width) * 3;
  image.rgb.resize(row * height);
  glReadBuffer(buffer);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, image.rgb.data());
  for (int y = 0; y < height / 2; ++y)
    std::swap_ranges(image.rgb.begin() + row * y, image.rgb.begin() + row * (y + 1),
                     image.rgb.begin() + row * (height - 1 - y));
  check_gl("read_pixels");
}

}  // namespace scorelab::render
