// PNG screenshots through stb_image_write (see screenshot.h).
#include "app/window/screenshot.h"

#include <vector>

#include "app/render/gl.h"
#include "core/common/error.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace scorelab::window {

void save_screenshot(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(std::size_t(width) * height * 3);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // GL's rows run bottom-up; PNG's top-down.
  stbi_flip_vertically_on_write(1);
  if (!stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3))
    throw InputError("cannot write screenshot '" + path + "'");
}

}  // namespace scorelab::window
