// GLFW window + OpenGL 3.3 core context + glad (see gl_context.h).
#include "app/render/gl_context.h"

#include "app/render/gl.h"  // glad first: it provides the GL declarations
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <cstdio>
#include <string_view>

#include "core/common/error.h"

namespace scorelab::render {

namespace {
void glfw_error(int code, const char* text) {
  std::fprintf(stderr, "scorelab: GLFW error %d: %s\n", code, text);
}
}  // namespace

GlContext::GlContext(int width, int height, bool visible) {
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit())
    throw InputError("cannot initialise GLFW: no display (on a server, run under xvfb-run)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  // Nothing is depth-tested or stencilled (layers are drawn in order): no such buffers, which
  // software GL would otherwise carry through every frame (~0.5 ms CPU a frame at 1280×800).
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  window_ = glfwCreateWindow(width, height, "scorelab", nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    throw InputError("cannot open an OpenGL 3.3 core window");
  }
  glfwMakeContextCurrent(window_);
  if (!gladLoadGL(glfwGetProcAddress)) {
    glfwDestroyWindow(window_);
    glfwTerminate();
    throw InputError("cannot load OpenGL 3.3 functions");
  }
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const std::string_view name = renderer ? renderer : "";
  software_ = name.find("llvmpipe") != name.npos || name.find("softpipe") != name.npos ||
              name.find("swrast") != name.npos;
}

GlContext::~GlContext() {
  glfwDestroyWindow(window_);
  glfwTerminate();
}

}  // namespace scorelab::render
