// The export's framebuffer object (see offscreen.h).
#include "app/export/offscreen.h"

#include <string>

#include "app/render/readback.h"
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
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
  render::read_pixels(GL_COLOR_ATTACHMENT0, width_, height_, image);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

}  // namespace scorelab::exporting
