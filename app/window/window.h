// The visualizer window: GLFW + OpenGL 3.3 core (glad) + Dear ImGui, and its main loop in the
// order of ImGui's GLFW + OpenGL3 example. Also runs scripted (N frames, screenshot) and as the
// frame-time benchmark.
#pragma once
#include <iosfwd>

#include "app/window/options.h"

namespace scorelab::window {

// Opens the window and runs until closed (or N frames). Returns the process exit code; errors
// (bad scene, no display, GL too old) go to `err`, bench JSON to `out`.
int run(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace scorelab::window
