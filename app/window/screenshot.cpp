// PNG screenshots of the back buffer through the export's PNG encoder (see screenshot.h).
#include "app/window/screenshot.h"

#include <algorithm>

#include "app/encode/frame_sink.h"
#include "app/render/gl.h"

namespace scorelab::window {

void save_screenshot(const std::string& path, int width, int height) {
  encode::Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, image.rgb.data());
  // GL's rows run bottom-up; images top-down.
  const std::size_t row = std::size_t(width) * 3;
  for (int y = 0; y < height / 2; ++y)
    std::swap_ranges(image.rgb.begin() + row * y, image.rgb.begin() + row * (y + 1),
                     image.rgb.begin() + row * (height - 1 - y));
  encode::SinkOptions options;
  options.path = path;
  options.width = width;
  options.height = height;
  const auto sink = encode::open_sink(encode::Format::Png, options);
  sink->add(image);
  sink->finish();  // atomic: a failed write leaves no partial file
}

}  // namespace scorelab::window
