// The render engine's programs and draw calls (see painter.h).
#include "app/render/painter.h"

#include <algorithm>

namespace scorelab::render {

namespace {

// Arrow template: shaft quad (tail ±1 to head base ±1) and head triangle (base ±2, tip).
constexpr float kArrowShape[] = {0, -1, 1, -1, 1, 1, 0, -1, 1, 1, 0, 1, 1, -2, 2, 0, 1, 2};
constexpr float kQuad[] = {0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1};

}  // namespace

void float_attribute(GLuint index, int size, GLsizei stride, std::size_t offset, GLuint divisor) {
  glEnableVertexAttribArray(index);
  glVertexAttribPointer(index, size, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offset));
  glVertexAttribDivisor(index, divisor);
}

Palette palette(const Scene& scene) {
  Palette p;
  if (scene.ui.presenter) {
    p.presenter = true;
    p.heat_gain = 0.55f;
    p.particle = {1, 1, 1, 1};
    p.particle_rim = {0, 0, 0, 1};
    // Data mid-grey with a black rim: at lecture point sizes a white rim on black read as white,
    // the particles' colour, so at frame 0 the data looked like particles already at the modes.
    p.data = {0.5f, 0.5f, 0.55f, 1};
    p.data_rim = {0, 0, 0, 1};
  } else if (scene.layers.density.on && scene.layers.density.colormap == Colormap::Magma) {
    p.particle = {0.3f, 0.9f, 1.0f, 0.95f};  // pink on viridis, cyan on magma
  }
  return p;
}

Painter::Painter() {
  for (int map = 0; map < 2; ++map)
    field_fill_[map] = std::make_unique<Program>(
        "field.vert", "field.frag", "#define FILL 1\n#define COLORMAP " + std::to_string(map) + "\n");
  field_lines_ = std::make_unique<Program>("field.vert", "field.frag", "#define FILL 0\n");
  arrow_ = std::make_unique<Program>("arrow.vert", "arrow.frag");
  points_ = std::make_unique<Program>("points.vert", "points.frag");
  canvas_ = std::make_unique<Program>("canvas.vert", "canvas.frag");
  lines_ = std::make_unique<Program>("lines.vert", "lines.frag");
  quad_vao_.bind();
  quad_.upload(kQuad, sizeof kQuad);
  float_attribute(0, 2, 2 * sizeof(float), 0);
  arrow_shape_.upload(kArrowShape, sizeof kArrowShape);
  canvas_vao_.bind();
  canvas_vertices_.reserve(1024);
  float_attribute(0, 2, 2 * sizeof(float), 0);
  glBindVertexArray(0);
  check_gl("Painter");
}

void Painter::make_line_layout(const VertexArray& vao, Buffer& vertices) {
  vao.bind();
  vertices.reserve(1024);
  float_attribute(0, 2, 6 * sizeof(float), 0);
  float_attribute(1, 4, 6 * sizeof(float), 2 * sizeof(float));
  glBindVertexArray(0);
}

void Painter::make_arrow_layout(const VertexArray& vao, Buffer& instances) const {
  vao.bind();
  glBindBuffer(GL_ARRAY_BUFFER, arrow_shape_.id());
  float_attribute(0, 2, 2 * sizeof(float), 0);
  instances.reserve(1024);
  float_attribute(1, 2, 5 * sizeof(float), 0, 1);
  float_attribute(2, 2, 5 * sizeof(float), 2 * sizeof(float), 1);
  float_attribute(3, 1, 5 * sizeof(float), 4 * sizeof(float), 1);
  glBindVertexArray(0);
}

void Painter::make_point_layout(const VertexArray& vao, Buffer& points) {
  vao.bind();
  points.reserve(1024);
  float_attribute(0, 2, 2 * sizeof(float), 0);
  glBindVertexArray(0);
}

void Painter::begin_panel(const view::WorldRect& world, const FramebufferRect& fb,
                          float pixel_scale) {
  world_ = world;
  fb_ = fb;
  view_ = {float(world.cx), float(world.cy), float(world.hw), float(world.hh)};
  px_ = {float(2 * world.hw / fb.w), float(2 * world.hh / fb.h)};
  pixel_scale_ = pixel_scale;
  glViewport(fb.x, fb.y, fb.w, fb.h);
  // The window clears once per frame (a fast full-surface clear in software GL); a scissored
  // clear per panel would cost a full pass over its pixels.
  glEnable(GL_SCISSOR_TEST);
  glScissor(fb.x, fb.y, fb.w, fb.h);
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glEnable(GL_PROGRAM_POINT_SIZE);
}

void Painter::end_panel() {
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
  check_gl("panel");
}

Program& Painter::use_field(Program& prog, const FloatTexture& tex, const Grid& grid) {
  prog.use();
  tex.bind(0);
  glUniform1i(prog.uniform("u_field"), 0);
  // Texel centres sit at the grid's cell centres, so the quad covers the grid's rectangle.
  glUniform4f(prog.uniform("u_rect"), float(grid.x0), float(grid.y0), float(grid.x1),
              float(grid.y1));
  glUniform4fv(prog.uniform("u_view"), 1, view_.data());
  return prog;
}

void Painter::field(const FloatTexture& tex, const Grid& grid, float lo, float hi, Colormap map,
                    float opacity, bool fill, bool contours, float spacing) {
  Program& prog =
      use_field(fill ? *field_fill_[map == Colormap::Viridis ? 0 : 1] : *field_lines_, tex, grid);
  glUniform1f(prog.uniform("u_lo"), lo);
  glUniform1f(prog.uniform("u_inv_range"), 1.0f / std::max(hi - lo, 1e-12f));
  glUniform1f(prog.uniform("u_opacity"), opacity);
  glUniform1f(prog.uniform("u_gain"), palette_.heat_gain);
  glUniform1f(prog.uniform("u_contours"), contours ? 1.0f : 0.0f);
  glUniform1f(prog.uniform("u_inv_spacing"), 1.0f / spacing);
  glUniform1f(prog.uniform("u_line_px"), 1.2f * pixel_scale_);
  glUniform1f(prog.uniform("u_offset"), 0.0f);
  glUniform4f(prog.uniform("u_line_color"), 1, 1, 1, 0.4f);
  // An opaque fill skips blending: it would cost a framebuffer read per pixel.
  const bool opaque = fill && opacity >= 1.0f;
  if (opaque) glDisable(GL_BLEND);
  quad_vao_.bind();
  glDrawArrays(GL_TRIANGLES, 0, 6);
  if (opaque) glEnable(GL_BLEND);
}

void Painter::level_line(const FloatTexture& tex, const Grid& grid, float level, float range,
                         const Rgba& color, float width_px) {
  Program& prog = use_field(*field_lines_, tex, grid);
  glUniform1f(prog.uniform("u_lo"), -3.0e38f);  // lines wherever the value is
  glUniform1f(prog.uniform("u_contours"), 1.0f);
  // One spacing wider than the values' range: `level` is the only line.
  glUniform1f(prog.uniform("u_inv_spacing"), 1.0f / (2 * std::max(range, 1e-6f)));
  glUniform1f(prog.uniform("u_offset"), level);
  glUniform4fv(prog.uniform("u_line_color"), 1, color.data());
  glUniform1f(prog.uniform("u_line_px"), width_px * pixel_scale_);
  quad_vao_.bind();
  glDrawArrays(GL_TRIANGLES, 0, 6);
}

void Painter::lines(const VertexArray& vao, GLsizei vertices) {
  if (vertices == 0) return;
  lines_->use();
  glUniform4fv(lines_->uniform("u_view"), 1, view_.data());
  vao.bind();
  glDrawArrays(GL_LINES, 0, vertices);
}

void Painter::points(const VertexArray& vao, GLsizei count, float size_px, const Rgba& color,
                     const Rgba& rim) {
  if (count == 0) return;
  points_->use();
  glUniform4fv(points_->uniform("u_view"), 1, view_.data());
  glUniform1f(points_->uniform("u_size_px"), size_px);
  glUniform4fv(points_->uniform("u_color"), 1, color.data());
  glUniform4fv(points_->uniform("u_rim"), 1, rim.data());
  // A rim a fifth of the diameter (at least a pixel): the dot's own colour stays its centre.
  glUniform1f(points_->uniform("u_rim_px"), std::max(1.0f, 0.2f * size_px));
  vao.bind();
  glDrawArrays(GL_POINTS, 0, count);
}

void Painter::arrows(const VertexArray& vao, GLsizei count, float opacity) {
  if (count == 0) return;
  arrow_->use();
  glUniform4fv(arrow_->uniform("u_view"), 1, view_.data());
  glUniform2fv(arrow_->uniform("u_px"), 1, px_.data());
  glUniform1f(arrow_->uniform("u_opacity"), opacity);
  vao.bind();
  const auto draw = [&](float rim_px, bool solid) {
    glUniform1f(arrow_->uniform("u_shaft_px"), 0.9f * pixel_scale_ + rim_px);
    glUniform1f(arrow_->uniform("u_head_px"), 6.0f * pixel_scale_ + 2 * rim_px);
    glUniform1i(arrow_->uniform("u_solid"), solid ? 1 : 0);
    glUniform1i(arrow_->uniform("u_presenter"), palette_.presenter ? 1 : 0);
    glDrawArraysInstanced(GL_TRIANGLES, 0, 9, count);
  };
  if (palette_.presenter) draw(0.6f * pixel_scale_, true);  // the black rim below
  draw(0, false);
}

void Painter::canvas(const CanvasTexture& texture, const std::vector<int>& rects) {
  if (rects.empty()) return;
  canvas_scratch_.clear();
  for (std::size_t r = 0; r + 3 < rects.size(); r += 4) {
    const float x0 = float(rects[r]), y0 = float(rects[r + 1]);
    const float x1 = float(rects[r + 2]), y1 = float(rects[r + 3]);
    canvas_scratch_.insert(canvas_scratch_.end(), {x0, y0, x1, y0, x1, y1, x0, y0, x1, y1, x0, y1});
  }
  canvas_->use();
  glActiveTexture(GL_TEXTURE0 + 1);
  glBindTexture(GL_TEXTURE_2D, texture.texture());
  glUniform1i(canvas_->uniform("u_canvas"), 1);
  glUniform2f(canvas_->uniform("u_size"), float(fb_.w), float(fb_.h));
  canvas_vao_.bind();
  canvas_vertices_.upload(canvas_scratch_.data(), sizeof(float) * canvas_scratch_.size());
  glDrawArrays(GL_TRIANGLES, 0, GLsizei(canvas_scratch_.size() / 2));
  glActiveTexture(GL_TEXTURE0);
}

}  // namespace scorelab::render
