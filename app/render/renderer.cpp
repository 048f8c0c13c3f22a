// The render engine's uploads and draw calls (see renderer.h).
#include "app/render/renderer.h"

#include <algorithm>
#include <cmath>

namespace scorelab::render {

namespace {

// Arrow template: shaft quad (tail ±1 to head base ±1) and head triangle (base ±2, tip).
constexpr float kArrowShape[] = {0, -1, 1, -1, 1, 1, 0, -1, 1, 1, 0, 1, 1, -2, 2, 0, 1, 2};
constexpr float kQuad[] = {0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1};

void float_attribute(GLuint index, int size, GLsizei stride, std::size_t offset,
                     GLuint divisor = 0) {
  glEnableVertexAttribArray(index);
  glVertexAttribPointer(index, size, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offset));
  glVertexAttribDivisor(index, divisor);
}

}  // namespace

// Pink on viridis, cyan on magma.
std::array<float, 4> particle_color(const LayersConfig& layers) {
  if (layers.density.on && layers.density.colormap == Colormap::Magma)
    return {0.3f, 0.9f, 1.0f, 0.95f};
  return {1.0f, 0.45f, 0.7f, 0.95f};
}

// The GPU side of one panel's fields.
struct Renderer::PanelGpu {
  FloatTexture density, error;
  long density_revision = -1, error_revision = -1, arrows_revision = -1;
  VertexArray arrow_vao, stream_vao;
  Buffer arrow_instances, streamlines;
  GLsizei arrow_count = 0, stream_vertices = 0;
  std::vector<float> staging;
};

Renderer::Renderer() {
  for (int map = 0; map < 2; ++map)
    field_[map] = std::make_unique<Program>("field.vert", "field.frag",
                                            "#define COLORMAP " + std::to_string(map) + "\n");
  arrow_ = std::make_unique<Program>("arrow.vert", "arrow.frag");
  points_ = std::make_unique<Program>("points.vert", "points.frag");
  trails_ = std::make_unique<Program>("trails.vert", "trails.frag");
  lines_ = std::make_unique<Program>("lines.vert", "lines.frag");

  quad_vao_.bind();
  quad_.upload(kQuad, sizeof kQuad);
  float_attribute(0, 2, 2 * sizeof(float), 0);
  arrow_shape_.upload(kArrowShape, sizeof kArrowShape);
  for (VertexArray* vao : {&data_vao_, &particle_vao_}) {
    vao->bind();
    (vao == &data_vao_ ? data_ : particles_).reserve(1024);
    float_attribute(0, 2, 2 * sizeof(float), 0);
  }
  grid_vao_.bind();
  grid_.reserve(1024);
  float_attribute(0, 2, 6 * sizeof(float), 0);
  float_attribute(1, 4, 6 * sizeof(float), 2 * sizeof(float));
  glGenTextures(1, &ring_tex_);
  for (int p = 0; p < 2; ++p) {
    auto g = std::make_unique<PanelGpu>();
    g->arrow_vao.bind();
    glBindBuffer(GL_ARRAY_BUFFER, arrow_shape_.id());
    float_attribute(0, 2, 2 * sizeof(float), 0);
    g->arrow_instances.reserve(1024);
    float_attribute(1, 2, 5 * sizeof(float), 0, 1);
    float_attribute(2, 2, 5 * sizeof(float), 2 * sizeof(float), 1);
    float_attribute(3, 1, 5 * sizeof(float), 4 * sizeof(float), 1);
    g->stream_vao.bind();
    g->streamlines.reserve(1024);
    float_attribute(0, 2, 6 * sizeof(float), 0);
    float_attribute(1, 4, 6 * sizeof(float), 2 * sizeof(float));
    panels_.push_back(std::move(g));
  }
  glBindVertexArray(0);
  check_gl("Renderer");
}

Renderer::~Renderer() {
  glDeleteTextures(1, &ring_tex_);
}

void Renderer::upload_shared(const app::AppContext& ctx) {
  if (ctx.data_revision() != data_revision_) {
    const Points& d = ctx.data_points();
    data_.upload(d.data(), sizeof(float) * d.size());
    data_count_ = static_cast<GLsizei>(d.cols());
    data_revision_ = ctx.data_revision();
  }
  const app::Particles& parts = ctx.particles();
  if (parts.revision() == particle_revision_) return;
  const Points& x = parts.display();
  particles_.upload(x.data(), sizeof(float) * x.size());
  particle_count_ = static_cast<GLsizei>(x.cols());
  particle_revision_ = parts.revision();

  // Trails: one new frame into the ring; a restart or new settings start an empty ring.
  const auto& cfg = ctx.scene().layers.particles;
  const int tracked = static_cast<int>(std::min<Index>(cfg.trail_particles, x.cols()));
  const int capacity = cfg.trail + 1;
  if (tracked != ring_tracked_ || capacity != ring_capacity_ || parts.seed() != ring_seed_ ||
      parts.steps_taken() < ring_last_steps_) {
    ring_tracked_ = tracked;
    ring_capacity_ = capacity;
    ring_seed_ = parts.seed();
    ring_head_ = ring_frames_ = 0;
    ring_.reserve(sizeof(float) * 2 * std::max(1, tracked) * capacity);
    glBindTexture(GL_TEXTURE_BUFFER, ring_tex_);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RG32F, ring_.id());
  }
  ring_last_steps_ = parts.steps_taken();
  if (tracked > 0 && cfg.trail > 0) {
    ring_.write(sizeof(float) * 2 * tracked * ring_head_, x.data(), sizeof(float) * 2 * tracked);
    ring_head_ = (ring_head_ + 1) % capacity;
    ring_frames_ = std::min(ring_frames_ + 1, capacity);
  }
  check_gl("upload_shared");
}

void Renderer::draw_field(FloatTexture& tex, const Grid& grid, float lo, float hi, Colormap map,
                          float opacity, bool contours, float spacing, float pixel_scale) {
  Program& prog = *field_[map == Colormap::Viridis ? 0 : 1];
  prog.use();
  tex.bind(0);
  glUniform1i(prog.uniform("u_field"), 0);
  // Texel centres sit at the grid's cell centres, so the quad covers the grid's rectangle.
  glUniform4f(prog.uniform("u_rect"), float(grid.x0), float(grid.y0), float(grid.x1),
              float(grid.y1));
  glUniform4fv(prog.uniform("u_view"), 1, view_.data());
  glUniform1f(prog.uniform("u_lo"), lo);
  glUniform1f(prog.uniform("u_hi"), hi);
  glUniform1f(prog.uniform("u_opacity"), opacity);
  glUniform1i(prog.uniform("u_contours"), contours ? 1 : 0);
  glUniform1f(prog.uniform("u_spacing"), spacing);
  glUniform1f(prog.uniform("u_line_px"), 1.2f * pixel_scale);
  quad_vao_.bind();
  glDrawArrays(GL_TRIANGLES, 0, 6);
}

void Renderer::draw_lines(VertexArray& vao, GLsizei vertices) {
  if (vertices == 0) return;
  lines_->use();
  glUniform4fv(lines_->uniform("u_view"), 1, view_.data());
  vao.bind();
  glDrawArrays(GL_LINES, 0, vertices);
}

void Renderer::draw_points(VertexArray& vao, GLsizei count, float size_px,
                           const std::array<float, 4>& color) {
  if (count == 0) return;
  points_->use();
  glUniform4fv(points_->uniform("u_view"), 1, view_.data());
  glUniform1f(points_->uniform("u_size_px"), size_px);
  glUniform4fv(points_->uniform("u_color"), 1, color.data());
  vao.bind();
  glDrawArrays(GL_POINTS, 0, count);
}

void Renderer::draw_panel(const app::AppContext& ctx, int p, const view::WorldRect& world,
                          const FramebufferRect& fb, float pixel_scale) {
  upload_shared(ctx);
  PanelGpu& g = *panels_[p];
  const app::PanelFields& f = ctx.fields(p);
  const LayersConfig& layers = ctx.scene().layers;
  view_ = {float(world.cx), float(world.cy), float(world.hw), float(world.hh)};
  px_ = {float(2 * world.hw / fb.w), float(2 * world.hh / fb.h)};

  glViewport(fb.x, fb.y, fb.w, fb.h);
  // The window clears once per frame (a fast full-surface clear in software GL); a scissored
  // clear per panel would cost a full pass over its pixels.
  glEnable(GL_SCISSOR_TEST);
  glScissor(fb.x, fb.y, fb.w, fb.h);
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glEnable(GL_PROGRAM_POINT_SIZE);

  // Heatmap + contours: log p from max(max − range, min) to max over the view.
  if (layers.density.on && f.density.log_density.size() > 0) {
    const Grid& grid = f.density.key.grid;
    if (g.density_revision != f.density.revision) {
      g.density.upload(grid.nx, grid.ny, f.density.log_density.data());
      g.density_revision = f.density.revision;
    }
    const float hi = f.density.stats.max, lo = app::density_floor(f.density.stats, layers.density);
    glDisable(GL_BLEND);  // opaque: blending would cost a framebuffer read per pixel
    draw_field(g.density, grid, lo, hi, layers.density.colormap, 1.0f, layers.density.contours,
               float(layers.density.contour_spacing), pixel_scale);
    glEnable(GL_BLEND);
  }
  // Error map over it, from 0 to its 98th percentile. In a split view only on learned panels
  // (on an exact panel it would repeat its neighbour's).
  const FieldSource source = p == 0 ? ctx.scene().view.left.source : ctx.scene().view.right.source;
  if (layers.error.on && f.error_valid &&
      (!ctx.scene().view.split || source == FieldSource::Learned)) {
    const Grid& grid = f.error.key.grid;
    if (g.error_revision != f.error.revision) {
      g.error.upload(grid.nx, grid.ny, f.error.error.per_point.data());
      g.error_revision = f.error.revision;
    }
    draw_field(g.error, grid, 0.0f, std::max(f.error.stats.robust_max, 1e-12f),
               layers.error.colormap, layers.density.on ? 0.85f : 1.0f, false, 1.0f, pixel_scale);
  }

  // Grid lines at the tick positions (labels are drawn by the UI with the same ticks).
  if (layers.axes.on && layers.axes.grid) {
    scratch_.clear();
    const auto line = [&](double x0, double y0, double x1, double y1, float a) {
      for (double v : {x0, y0}) scratch_.push_back(float(v));
      for (float c : {1.0f, 1.0f, 1.0f, a}) scratch_.push_back(c);
      for (double v : {x1, y1}) scratch_.push_back(float(v));
      for (float c : {1.0f, 1.0f, 1.0f, a}) scratch_.push_back(c);
    };
    const double step = view::tick_step(world.y0(), world.y1(), 8);
    for (double x = std::ceil(world.x0() / step) * step; x <= world.x1(); x += step)
      line(x, world.y0(), x, world.y1(), std::abs(x) < 0.5 * step ? 0.35f : 0.12f);
    for (double y = std::ceil(world.y0() / step) * step; y <= world.y1(); y += step)
      line(world.x0(), y, world.x1(), y, std::abs(y) < 0.5 * step ? 0.35f : 0.12f);
    grid_.upload(scratch_.data(), sizeof(float) * scratch_.size());
    draw_lines(grid_vao_, static_cast<GLsizei>(scratch_.size() / 6));
  }

  // Arrows (and streamlines) of this panel's source.
  if (layers.score.on && f.arrows_valid) {
    if (g.arrows_revision != f.arrows.revision) {
      const Index n = f.arrows.base.cols();
      g.staging.resize(5 * n);
      for (Index i = 0; i < n; ++i) {
        float* v = &g.staging[5 * i];
        v[0] = f.arrows.base(0, i);
        v[1] = f.arrows.base(1, i);
        v[2] = f.arrows.vec(0, i);
        v[3] = f.arrows.vec(1, i);
        v[4] = f.arrows.color[i];
      }
      g.arrow_instances.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.arrow_count = static_cast<GLsizei>(n);
      g.staging.clear();
      for (const Points& line : f.arrows.streamlines)
        for (Index k = 0; k + 1 < line.cols(); ++k)
          for (Index e : {k, k + 1}) {
            g.staging.insert(g.staging.end(), {line(0, e), line(1, e), 1.0f, 1.0f, 1.0f, 0.55f});
          }
      g.streamlines.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.stream_vertices = static_cast<GLsizei>(g.staging.size() / 6);
      g.arrows_revision = f.arrows.revision;
    }
    if (layers.score.streamlines) draw_lines(g.stream_vao, g.stream_vertices);
    arrow_->use();
    glUniform4fv(arrow_->uniform("u_view"), 1, view_.data());
    glUniform2fv(arrow_->uniform("u_px"), 1, px_.data());
    glUniform1f(arrow_->uniform("u_shaft_px"), 0.9f * pixel_scale);
    glUniform1f(arrow_->uniform("u_head_px"), 6.0f * pixel_scale);
    glUniform1f(arrow_->uniform("u_opacity"), 0.9f);
    g.arrow_vao.bind();
    glDrawArraysInstanced(GL_TRIANGLES, 0, 9, g.arrow_count);
  }

  if (layers.data.on)
    draw_points(data_vao_, data_count_, float(layers.data.point_size) * pixel_scale,
                {0.95f, 0.95f, 1.0f, float(layers.data.opacity)});

  if (layers.particles.on) {
    if (ring_frames_ >= 2 && ring_tracked_ > 0) {
      trails_->use();
      glActiveTexture(GL_TEXTURE0 + 1);
      glBindTexture(GL_TEXTURE_BUFFER, ring_tex_);
      glUniform1i(trails_->uniform("u_ring"), 1);
      glUniform1i(trails_->uniform("u_tracked"), ring_tracked_);
      glUniform1i(trails_->uniform("u_capacity"), ring_capacity_);
      glUniform1i(trails_->uniform("u_oldest"),
                  (ring_head_ - ring_frames_ + ring_capacity_) % ring_capacity_);
      glUniform1i(trails_->uniform("u_frames"), ring_frames_);
      glUniform4fv(trails_->uniform("u_view"), 1, view_.data());
      glUniform2fv(trails_->uniform("u_px"), 1, px_.data());
      glUniform1f(trails_->uniform("u_max_px"), 48.0f * pixel_scale);
      const auto c = particle_color(layers);
      glUniform4f(trails_->uniform("u_color"), c[0], c[1], c[2], 0.6f);
      trail_vao_.bind();
      glDrawArrays(GL_LINES, 0, 2 * ring_tracked_ * (ring_frames_ - 1));
    }
    draw_points(particle_vao_, particle_count_, float(layers.particles.point_size) * pixel_scale,
                particle_color(layers));
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
  check_gl("draw_panel");
}

}  // namespace scorelab::render
