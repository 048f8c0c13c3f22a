# Turns shader files into one C++ source with a table {file name, text} (app/render/shaders.h).
# Usage: cmake -DOUT=<file.cpp> -DFILES=<a.vert|b.frag|...> -P embed_shaders.cmake
string(REPLACE "|" ";" files "${FILES}")
set(table "")
foreach(file IN LISTS files)
  get_filename_component(name ${file} NAME)
  file(READ ${file} text)
  string(APPEND table "    {\"${name}\", R\"glsl(${text})glsl\"},\n")
endforeach()
file(WRITE ${OUT}.tmp
"// Generated from shaders/ by app/render/embed_shaders.cmake at build time. Do not edit.
#include \"app/render/shaders.h\"

namespace scorelab::render {

std::span<const ShaderFile> embedded_shaders() {
  static const ShaderFile files[] = {
${table}  };
  return files;
}

}  // namespace scorelab::render
")
# Only touch the output when it changed, so an unrelated shader save does not rebuild it.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
