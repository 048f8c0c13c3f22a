// Reading an input file (a scene, a checkpoint) whole, refusing before any read what cannot be
// one: a directory, a device or FIFO (reading a FIFO without a writer would block forever), or a
// file larger than the caller's limit (a 100 MB "scene" is not read into memory to be refused).
#pragma once
#include <cstddef>
#include <string>

namespace scorelab {

// The bytes of the regular file `path`. `what` names it in messages ("scene file", "checkpoint").
// Throws InputError, e.g. "cannot read scene file 'x': it is a directory", "... it does not
// exist", "... 'a' in its path is not a directory", "... it has 104857600 bytes, more than the
// 67108864 a scene file may have".
std::string read_input_file(const std::string& path, const std::string& what,
                            std::size_t max_bytes);

}  // namespace scorelab
