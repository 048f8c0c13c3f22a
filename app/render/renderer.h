// The render engine: owns every GL program, buffer and texture, uploads the AppContext's arrays
// only when their revision changed, and draws one panel's layers in order (heatmap, error map,
// grid, streamlines, data, arrows, trails, particles). Text (tick labels, legends) is ImGui's.
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "app/render/gpu.h"
#include "app/state/app_context.h"
#include "app/view/camera.h"

namespace scorelab::render {

// A panel's rectangle in framebuffer pixels (GL's origin: bottom-left).
struct FramebufferRect {
  int x = 0, y = 0, w = 1, h = 1;
};

// The particles' colour: one that stands out on the heatmap's colormap.
std::array<float, 4> particle_color(const LayersConfig& layers);

class Renderer {
 public:
  Renderer();  // needs a current GL 3.3 context; throws if a shader fails to build
  ~Renderer();

  // Draws panel `p` of ctx into `fb` (which shows `world`). pixel_scale = framebuffer pixels per
  // UI pixel (HiDPI × UI scale) for point sizes and line widths.
  void draw_panel(const app::AppContext& ctx, int p, const view::WorldRect& world,
                  const FramebufferRect& fb, float pixel_scale);

 private:
  struct PanelGpu;
  void upload_shared(const app::AppContext& ctx);
  void draw_field(FloatTexture& tex, const Grid& grid, float lo, float hi, Colormap map,
                  float opacity, bool contours, float spacing, float pixel_scale);
  void draw_lines(VertexArray& vao, GLsizei vertices);
  void draw_points(VertexArray& vao, GLsizei count, float size_px,
                   const std::array<float, 4>& color);

  std::array<float, 4> view_{};  // u_view of the panel being drawn
  std::array<float, 2> px_{};    // world units per framebuffer pixel

  std::unique_ptr<Program> field_[2];  // one per colormap (viridis, magma)
  std::unique_ptr<Program> arrow_, points_, trails_, lines_;
  VertexArray quad_vao_, arrow_vao_, data_vao_, particle_vao_, trail_vao_, grid_vao_;
  Buffer quad_, arrow_shape_, data_, particles_, grid_;
  std::vector<std::unique_ptr<PanelGpu>> panels_;

  // Trails: a ring of `capacity` frames × `tracked` positions in a texture buffer.
  Buffer ring_{GL_TEXTURE_BUFFER};
  GLuint ring_tex_ = 0;
  int ring_tracked_ = 0, ring_capacity_ = 0, ring_head_ = 0, ring_frames_ = 0;
  long ring_revision_ = -1;
  int ring_last_steps_ = 0;
  std::uint64_t ring_seed_ = 0;

  long data_revision_ = -1, particle_revision_ = -1;
  GLsizei data_count_ = 0, particle_count_ = 0;
  std::vector<float> scratch_;  // staging for interleaved uploads, reused
};

}  // namespace scorelab::render
