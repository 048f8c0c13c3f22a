// ParticleCanvas: one panel's picture of the particles (their dots and trails), painted on the CPU
// and drawn with one pass over the tiles that show something (render::Painter::particle_canvas).
//
// Why on the CPU: software GL (Mesa llvmpipe, what a class's laptop or a CI machine may have)
// spends ~0.2 µs setting up each point sprite and ~0.4 µs each line, so 20,000 dots cost ~5 ms a
// frame and 20,000 trail segments ~8 ms, where painting their few pixels here costs well under a
// millisecond. One pass then shows both, over only the tiles they touch. On a GPU the pass costs
// what the sprites did.
//
// Two planes, one texel per panel pixel, row 0 at the bottom as GL stores textures:
// - stamps (float): trails. Particle update k writes the newest segment of each trail, stamped
//   k − 1 at its older end rising to k at the newer; later segments overwrite earlier ones. The
//   shader fades a pixel by its age, now − stamp.
// - dots (two bytes): each particle's disc, as coverage and the share of it that is rim (the disc
//   formula of shaders/points.frag); repainted whenever the particles move. Where discs overlap
//   the one covering the pixel more wins (the sprites blended: the same for opaque centres).
// Only the rows that changed are uploaded.
#pragma once
#include <cstdint>
#include <vector>

#include "app/render/painter.h"
#include "app/view/camera.h"
#include "core/common/points.h"

namespace scorelab::layers {

class ParticleCanvas {
 public:
  static constexpr float kNever = -1e30f;  // the stamp of a pixel no trail crossed
  static constexpr int kTile = 32;         // pixels; the pass covers only tiles that show something

  ParticleCanvas();

  // Makes the canvas w × h pixels showing `world` (data units). When either changed, both planes
  // are cleared and true is returned (trails drawn in another view are not shown in this one).
  bool fit(int w, int h, const view::WorldRect& world);
  void clear_trails();

  // Trails: stamps the segments prev.col(i) → next.col(i) (data units) as update `stamp`. Segments
  // longer than max_px pixels are left out (at high noise particles leap across the view, which
  // shows no local motion), as are non-finite ones.
  void stamp_segments(const Points& prev, const Points& next, float stamp, float max_px);
  // Dots: replaces every dot by a disc of diameter size_px centred at each column of `x` (data
  // units), with a rim rim_px wide inside its edge (0: no rim).
  void paint_dots(const Points& x, float size_px, float rim_px);

  // Uploads what changed and draws the canvas over the painter's current panel: dots in
  // style.dot / style.rim, trails in style.trail faded over style.length updates before
  // style.now (length 0: dots only).
  void draw(render::Painter& painter, const render::Painter::CanvasStyle& style);

  // What the pass covers: rectangles of live tiles (x0 y0 x1 y1, canvas pixels), one per run of
  // live tiles along a tile row. A tile is live if it holds a dot or a stamp newer than
  // `oldest_visible`.
  const std::vector<int>& live_rects(float oldest_visible);

 private:
  int w_ = 0, h_ = 0, tiles_x_ = 0, tiles_y_ = 0;
  view::WorldRect world_{};
  std::vector<float> stamps_;         // w × h
  std::vector<std::uint8_t> dots_;    // w × h × (coverage, rim share)
  std::vector<float> tile_newest_;    // per tile: its newest stamp
  std::vector<std::uint8_t> tile_dots_;  // per tile: holds a dot
  // Rows [lo, hi) to upload before the next draw, and the rows the current dots are on.
  std::pair<int, int> stamp_rows_{0, 0}, dot_rows_{0, 0}, painted_rows_{0, 0};
  std::vector<int> rects_;
  render::CanvasTexture stamps_gpu_, dots_gpu_;
};

}  // namespace scorelab::layers
