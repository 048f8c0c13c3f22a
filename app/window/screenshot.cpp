// PNG screenshots of the back buffer through the export's PNG encoder (see screenshot.h).
#include "app/window/screenshot.h"

#include "app/encode/frame_sink.h"
#include "app/render/readback.h"

namespace scorelab::window {

void save_screenshot(const std::string& path, int width, int height) {
  encode::Image image;
  render::read_pixels(GL_BACK, width, height, image);
  encode::SinkOptions options;
  options.path = path;
  options.width = width;
  options.height = height;
  const auto sink = encode::open_sink(encode::Format::Png, options);
  sink->add(image);
  sink->finish();  // atomic: a failed write leaves no partial file
}

}  // namespace scorelab::window
