// The Painter: the render engine the layers draw with. It owns the GL programs every layer shares
// (colormapped fields, lines, points, instanced arrows, CPU-painted canvases) and the current
// panel's viewport and camera; each layer owns its own buffers and textures (app/layers). Needs a
// current GL 3.3 context.
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "app/render/gpu.h"
#include "app/view/camera.h"
#include "core/field/field.h"
#include "core/scene/scene.h"

namespace scorelab::render {

// A panel's rectangle in framebuffer pixels (GL's origin: bottom-left).
struct FramebufferRect {
  int x = 0, y = 0, w = 1, h = 1;
};

using Rgba = std::array<float, 4>;

// The colours that change in presenter mode (ui.presenter). Normal: pink or cyan particles that
// stand out on the heatmap by hue. Presenter: the three differ by luminance, not only by hue: a
// dimmed heatmap (its brightest colour at about half luminance), pale-orange arrows (luminance
// 0.6–0.9) with a black rim, white particles with a black rim, and black data points with a white
// rim, so each reads on a greyscale projector and on the others.
struct Palette {
  bool presenter = false;
  float heat_gain = 1;  // heatmap (and legend) colours are multiplied by it
  Rgba particle{1.0f, 0.45f, 0.7f, 0.95f};
  Rgba data{0.95f, 0.95f, 1.0f, 1.0f};  // alpha: × the layer's opacity
  Rgba data_rim{0, 0, 0, 0};            // a rim of this colour (alpha 0: none)
  Rgba particle_rim{0, 0, 0, 0};
};
Palette palette(const Scene& scene);

// Enables attribute `index` as `size` floats at `offset` bytes of a `stride`-byte vertex (divisor
// 1: per instance).
void float_attribute(GLuint index, int size, GLsizei stride, std::size_t offset,
                     GLuint divisor = 0);

class Painter {
 public:
  Painter();  // throws if a shader fails to build

  // Viewport, scissor and camera of one panel; pixel_scale = framebuffer pixels per UI pixel
  // (HiDPI × UI scale) for point sizes and line widths.
  void begin_panel(const view::WorldRect& world, const FramebufferRect& fb, float pixel_scale);
  void end_panel();
  float pixel_scale() const { return pixel_scale_; }
  const view::WorldRect& world() const { return world_; }

  // A scalar texture over `grid`, coloured from lo to hi (fill), and/or its contour lines every
  // `spacing` units (contours). fill with opacity 1 draws opaque (no blending).
  void field(const FloatTexture& tex, const Grid& grid, float lo, float hi, Colormap map,
             float opacity, bool fill, bool contours, float spacing);
  // The one contour line of `tex` at value `level` (its values span at most `range` on either
  // side of it), `width_px` wide (× pixel scale), in `color`.
  void level_line(const FloatTexture& tex, const Grid& grid, float level, float range,
                  const Rgba& color, float width_px);
  // GL_LINES from a VAO laid out as make_line_layout (xy + rgba per vertex).
  void lines(const VertexArray& vao, GLsizei vertices);
  // `rim`: a ring of that colour a fifth of the diameter wide (at least a pixel) inside the disc.
  void points(const VertexArray& vao, GLsizei count, float size_px, const Rgba& color,
              const Rgba& rim = {0, 0, 0, 0});
  // Instanced arrows: `vao` from make_arrow_layout, one instance per arrow.
  // Presenter (set_presenter): pale-orange arrows drawn over a black copy a rim wider.
  void arrows(const VertexArray& vao, GLsizei count, float opacity);
  // The panel's colours (the heatmap's gain, the arrows' rims), set with begin_panel.
  void set_palette(const Palette& palette) { palette_ = palette; }
  const Palette& current_palette() const { return palette_; }
  // A canvas painted on the CPU (app/layers/particle_canvas.h) over the panel, blended, in one
  // pass over `rects` (canvas pixels, x0 y0 x1 y1 each; the canvas has the panel's pixel size).
  void canvas(const CanvasTexture& texture, const std::vector<int>& rects);

  // Vertex layouts the layers fill: lines (x, y, r, g, b, a per vertex) and arrows (the shared
  // arrow shape per vertex; base xy, vector xy, colour value per instance).
  static void make_line_layout(const VertexArray& vao, Buffer& vertices);
  void make_arrow_layout(const VertexArray& vao, Buffer& instances) const;
  static void make_point_layout(const VertexArray& vao, Buffer& points);
  const FramebufferRect& panel_rect() const { return fb_; }  // the current panel's pixels

 private:
  // `prog` (one of the field programs) in use, reading `tex` over `grid` in the panel's camera.
  Program& use_field(Program& prog, const FloatTexture& tex, const Grid& grid);

  std::unique_ptr<Program> field_fill_[2];  // colours and lines, one per colormap (viridis, magma)
  std::unique_ptr<Program> field_lines_;    // the lines only
  std::unique_ptr<Program> arrow_, points_, canvas_, lines_;
  VertexArray quad_vao_, canvas_vao_;
  Buffer quad_, arrow_shape_, canvas_vertices_;
  std::vector<float> canvas_scratch_;  // the rects as triangles

  view::WorldRect world_;
  FramebufferRect fb_;
  std::array<float, 4> view_{};  // u_view of the panel being drawn
  std::array<float, 2> px_{};    // world units per framebuffer pixel
  float pixel_scale_ = 1;
  Palette palette_;
};

}  // namespace scorelab::render
