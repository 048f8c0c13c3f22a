// The engine's GPU objects: shader programs and buffers/textures that are allocated once and
// updated in place. Each owns its GL name (RAII, move-only); all need a current GL context.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/render/gl.h"

namespace scorelab::render {

// A program linked from two embedded shader files; throws std::runtime_error with the compiler's
// log if either fails (a programmer mistake: the sources ship with the binary). `defines` (e.g.
// "#define COLORMAP 1\n") go after each file's #version line.
class Program {
 public:
  Program(std::string_view vertex_file, std::string_view fragment_file,
          const std::string& defines = "");
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  void use() const { glUseProgram(id_); }
  GLint uniform(const char* name);  // location, looked up once (-1 if unused by the program)

 private:
  GLuint id_ = 0;
  std::unordered_map<std::string, GLint> uniforms_;
};

// A buffer object whose storage grows (doubling) when an upload does not fit and is otherwise
// rewritten in place with glBufferSubData: no allocation per frame.
class Buffer {
 public:
  explicit Buffer(GLenum target = GL_ARRAY_BUFFER);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  GLuint id() const { return id_; }
  void upload(const void* data, std::size_t bytes);        // bind, then write at offset 0
  void write(std::size_t offset, const void* data, std::size_t bytes);  // within reserve()
  void reserve(std::size_t bytes);                         // storage ≥ bytes (contents lost)

 private:
  GLenum target_;
  GLuint id_ = 0;
  std::size_t capacity_ = 0;
};

// A single-channel float texture (R32F), linear filtering, clamped at the edges. Storage is
// reallocated only when the size changes.
class FloatTexture {
 public:
  FloatTexture();
  ~FloatTexture();
  FloatTexture(const FloatTexture&) = delete;
  FloatTexture& operator=(const FloatTexture&) = delete;

  void upload(int width, int height, const float* data);  // row 0 at the bottom
  void bind(int unit) const;

 private:
  GLuint id_ = 0;
  int width_ = 0, height_ = 0;
};

// A texture the size of a panel that a layer paints on the CPU (straight-alpha RGBA8, the
// format software GL samples fastest) and uploads by ranges of rows: the particles' canvas,
// app/layers/particle_canvas.h. One texel per panel pixel, nearest filtering, row 0 at the
// bottom. Storage is reallocated only when the size changes (contents then undefined until
// uploaded).
class CanvasTexture {
 public:
  CanvasTexture();
  ~CanvasTexture();
  CanvasTexture(const CanvasTexture&) = delete;
  CanvasTexture& operator=(const CanvasTexture&) = delete;

  void resize(int width, int height);
  // Rows [y0, y0 + rows) from `rgba` (width() texels of 4 bytes per row, row y0 first).
  void upload_rows(const std::uint32_t* rgba, int y0, int rows);
  GLuint texture() const { return texture_; }

 private:
  GLuint texture_ = 0;
  int width_ = 0, height_ = 0;
};

// A vertex array object (the attribute layout of one layer).
class VertexArray {
 public:
  VertexArray() { glGenVertexArrays(1, &id_); }
  ~VertexArray() { glDeleteVertexArrays(1, &id_); }
  VertexArray(const VertexArray&) = delete;
  VertexArray& operator=(const VertexArray&) = delete;
  void bind() const { glBindVertexArray(id_); }

 private:
  GLuint id_ = 0;
};

}  // namespace scorelab::render
