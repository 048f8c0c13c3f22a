// GlContext: GLFW initialised, one window with a current OpenGL 3.3 core context, glad loaded.
// The visualizer shows it; exports from the command line keep it hidden and draw offscreen (it
// still needs a display: under CI, xvfb-run provides one). RAII: the destructor undoes it all.
#pragma once

struct GLFWwindow;

namespace scorelab::render {

class GlContext {
 public:
  // Throws InputError when there is no display or no OpenGL 3.3 core.
  GlContext(int width, int height, bool visible);
  ~GlContext();
  GlContext(const GlContext&) = delete;
  GlContext& operator=(const GlContext&) = delete;

  GLFWwindow* window() const { return window_; }

 private:
  GLFWwindow* window_ = nullptr;
};

}  // namespace scorelab::render
