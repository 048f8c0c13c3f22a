// The export's framebuffer object (see offscreen.h).
#include "app/export/offscreen.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"

namespace scorelab::exporting {

OffscreenTarget::OffscreenTarget(int width, int height) : width_(width), height_(height) {
  GLint max_size = 0;
  glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
  if (width > max_size || height > max_size)
    throw InputError("export size " + std::to_string(width) + "x" + std::to_string(height) +
                     " is larger than this OpenGL driver's limit of " + std::to_string(max_size) +
                     " pixels per side");
  glGenFramebuffers(1, &fbo_);
  glGenRenderbuffers(1, &color_);
  glBindRenderbuffer(GL_RENDERBUFFER, color_);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE || glGetError() == GL_OUT_OF_MEMORY) {
    glDeleteRenderbuffers(1, &color_);
    glDeleteFramebuffers(1, &fbo_);
    throw InputError("the OpenGL driver cannot make a " + std::to_string(width) + "x" +
                     std::to_string(height) + " offscreen image (out of memory?)");
  }
}

OffscreenTarget::~OffscreenTarget() {
  glDeleteRenderbuffers(1, &color_);
  glDeleteFramebuffers(1, &fbo_);
}

void OffscreenTarget::bind() const {
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, width_, height_);
}

void OffscreenTarget::read(encode::Image& image) const {
  image.width = width_;
  image.height = height_;
  const std::size_t row = std::size_t(width_) * 3;
  image.rgb.resize(row * height_);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
  glReadBuffer(GL_COLOR_ATTACHMENT0);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width_, height_, GL_RGB, GL_UNSIGNED_BYTE, image.rgb.data());
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  // GL's rows run bottom-up; images top-down.
  for (int y = 0; y < height_ / 2; ++y)
    std::swap_ranges(image.rgb.begin() + row * y, image.rgb.begin() + row * (y + 1),
                     image.rgb.begin() + row * (height_ - 1 - y));
  render::check_gl("OffscreenTarget::read");
}

}  // namespace scorelab::exporting
