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
  // True when the renderer rasterises on the CPU's cores (Mesa's llvmpipe, softpipe or swrast),
  // as CI and machines without a GPU do: then a frame competes with background work for them.
  bool software_rasteriser() const { return software_; }

 private:
  GLFWwindow* window_ = nullptr;
  bool software_ = false;
};

}  // namespace scorelab::render
