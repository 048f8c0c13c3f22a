// OffscreenTarget: a framebuffer object of any size (independent of the window) that an export
// draws into and reads back, so the window's own framebuffer and size are never touched.
#pragma once
#include "app/render/image.h"
#include "app/render/gl.h"

namespace scorelab::exporting {

class OffscreenTarget {
 public:
  // Needs a current GL context; throws InputError when the driver cannot make a target this large.
  OffscreenTarget(int width, int height);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  void bind() const;  // draw here (viewport: the whole target)
  // Reads the target into `image` (rows top-down, RGB) and rebinds the window's framebuffer.
  void read(encode::Image& image) const;

 private:
  int width_, height_;
  GLuint fbo_ = 0, color_ = 0;
};

}  // namespace scorelab::exporting
