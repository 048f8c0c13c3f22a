// Reading pixels back from OpenGL into an image (screenshots, export frames).
#pragma once
#include "app/render/image.h"
#include "app/render/gl.h"

namespace scorelab::render {

// The width × height pixels of `buffer` (GL_BACK, GL_COLOR_ATTACHMENT0, ...) of the bound read
// framebuffer, as RGB with rows top-down (GL's run bottom-up). `image` is reused.
void read_pixels(GLenum buffer, int width, int height, encode::Image& image);

}  // namespace scorelab::render
