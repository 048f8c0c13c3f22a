// The GLSL sources of shaders/, embedded into the binary at build time (embed_shaders.cmake), so
// the binary runs from any directory.
#pragma once
#include <span>
#include <string_view>

namespace scorelab::render {

struct ShaderFile {
  std::string_view name;  // file name in shaders/, e.g. "field.frag"
  std::string_view text;
};

std::span<const ShaderFile> embedded_shaders();  // generated

}  // namespace scorelab::render
