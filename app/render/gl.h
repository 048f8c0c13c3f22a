// OpenGL through glad, and the debug-build error check every GL call site can use.
#pragma once
#include <glad/gl.h>

namespace scorelab::render {

// Debug builds: reports (stderr) every pending GL error with `where`, then aborts, so a wrong
// call is found where it happens. Release builds: nothing.
#ifndef NDEBUG
void check_gl(const char* where);
#else
inline void check_gl(const char*) {}
#endif

}  // namespace scorelab::render
