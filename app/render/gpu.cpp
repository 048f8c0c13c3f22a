// Programs, buffers and textures (see gpu.h).
#include "app/render/gpu.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "app/render/shaders.h"

namespace scorelab::render {

#ifndef NDEBUG
void check_gl(const char* where) {
  bool failed = false;
  for (GLenum e = glGetError(); e != GL_NO_ERROR; e = glGetError()) {
    std::fprintf(stderr, "scorelab: OpenGL error 0x%04x at %s\n", e, where);
    failed = true;
  }
  if (failed) std::abort();
}
#endif

namespace {

std::string_view find_shader(std::string_view name) {
  for (const ShaderFile& f : embedded_shaders())
    if (f.name == name) return f.text;
  throw std::runtime_error("shader '" + std::string(name) + "' is not embedded");
}

GLuint compile(GLenum kind, std::string_view name, const std::string& defines) {
  std::string text(find_shader(name));
  text.insert(text.find('\n') + 1, defines);  // after "#version ..."
  const GLuint id = glCreateShader(kind);
  const char* src = text.c_str();
  const GLint len = static_cast<GLint>(text.size());
  glShaderSource(id, 1, &src, &len);
  glCompileShader(id);
  GLint ok = 0;
  glGetShaderiv(id, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[4096];
    glGetShaderInfoLog(id, sizeof log, nullptr, log);
    glDeleteShader(id);
    throw std::runtime_error("shader " + std::string(name) + " does not compile:\n" + log);
  }
  return id;
}

}  // namespace

Program::Program(std::string_view vertex_file, std::string_view fragment_file,
                 const std::string& defines) {
  const GLuint vs = compile(GL_VERTEX_SHADER, vertex_file, defines);
  const GLuint fs = compile(GL_FRAGMENT_SHADER, fragment_file, defines);
  id_ = glCreateProgram();
  glAttachShader(id_, vs);
  glAttachShader(id_, fs);
  glLinkProgram(id_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(id_, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[4096];
    glGetProgramInfoLog(id_, sizeof log, nullptr, log);
    throw std::runtime_error("program " + std::string(vertex_file) + " + " +
                             std::string(fragment_file) + " does not link:\n" + log);
  }
  check_gl("Program");
}

Program::~Program() { glDeleteProgram(id_); }

GLint Program::uniform(const char* name) {
  const auto it = uniforms_.find(name);
  if (it != uniforms_.end()) return it->second;
  const GLint loc = glGetUniformLocation(id_, name);
  uniforms_.emplace(name, loc);
  return loc;
}

Buffer::Buffer(GLenum target) : target_(target) { glGenBuffers(1, &id_); }
Buffer::~Buffer() { glDeleteBuffers(1, &id_); }

void Buffer::reserve(std::size_t bytes) {
  glBindBuffer(target_, id_);
  if (bytes <= capacity_) return;
  capacity_ = std::max(bytes, 2 * capacity_);
  glBufferData(target_, static_cast<GLsizeiptr>(capacity_), nullptr, GL_DYNAMIC_DRAW);
}

void Buffer::upload(const void* data, std::size_t bytes) {
  reserve(bytes);
  if (bytes > 0) glBufferSubData(target_, 0, static_cast<GLsizeiptr>(bytes), data);
}

void Buffer::write(std::size_t offset, const void* data, std::size_t bytes) {
  glBindBuffer(target_, id_);
  if (offset + bytes > capacity_) std::abort();  // programmer mistake: reserve() first
  glBufferSubData(target_, static_cast<GLintptr>(offset), static_cast<GLsizeiptr>(bytes), data);
}

FloatTexture::FloatTexture() {
  glGenTextures(1, &id_);
  glBindTexture(GL_TEXTURE_2D, id_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

FloatTexture::~FloatTexture() { glDeleteTextures(1, &id_); }

void FloatTexture::upload(int width, int height, const float* data) {
  glBindTexture(GL_TEXTURE_2D, id_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (width != width_ || height != height_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, width, height, 0, GL_RED, GL_FLOAT, data);
    width_ = width;
    height_ = height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RED, GL_FLOAT, data);
  }
  check_gl("FloatTexture::upload");
}

void FloatTexture::bind(int unit) const {
  glActiveTexture(GL_TEXTURE0 + unit);
  glBindTexture(GL_TEXTURE_2D, id_);
}

// ---- CanvasTexture -------------------------------------------------------------------------------

CanvasTexture::CanvasTexture() {
  glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
}

CanvasTexture::~CanvasTexture() { glDeleteTextures(1, &texture_); }

void CanvasTexture::resize(int width, int height) {
  if (width == width_ && height == height_) return;
  width_ = width;
  height_ = height;
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  check_gl("CanvasTexture::resize");
}

void CanvasTexture::upload_rows(const std::uint32_t* rgba, int y0, int rows) {
  if (rows <= 0) return;
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, y0, width_, rows, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

}  // namespace scorelab::render
