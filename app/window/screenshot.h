// Writing the current framebuffer as a PNG (scripted mode, README screenshots, window tests).
#pragma once
#include <string>

namespace scorelab::window {

// Reads the back buffer (width × height framebuffer pixels) and writes it as RGB PNG, top row
// first. Throws InputError if the file cannot be written.
void save_screenshot(const std::string& path, int width, int height);

}  // namespace scorelab::window
