// ParticleCanvas: one panel's picture of the particles (their dots and trails), painted and
// composited on the CPU and drawn with one pass over the tiles that show something
// (render::Painter::canvas).
//
// Why on the CPU: software GL (Mesa llvmpipe, what a class's laptop or a CI machine may have)
// spends ~0.2 µs setting up each point sprite and ~0.4 µs each line, so 20,000 dots cost ~5 ms a
// frame and 20,000 trail segments ~8 ms, where painting their few pixels here costs well under a
// millisecond. The composite is done here too: software GL samples an RGBA8 texture in a plain
// pass far faster than it runs a shader that fetches and fades two planes per pixel. On a GPU the
// pass costs what the sprites did.
//
// Planes, one value per panel pixel, row 0 at the bottom as GL stores textures:
// - stamps (float): trails. Particle update k writes the newest segment of each trail, stamped
//   k − 1 at its older end rising to k at the newer; later segments overwrite earlier ones. A
//   pixel shows the trail colour with opacity trail.a (1 − (now − stamp) / length)², gone after
//   `length` updates.
// - dots (16 bits: coverage << 8 | (255 − rim share)): each particle's disc, as coverage and the
//   share of it that is rim (the disc formula of shaders/points.frag); repainted whenever the
//   particles move. Where discs overlap the one covering the pixel more wins (the sprites blended:
//   the same for opaque centres), and at equal coverage the one with less rim, so a dense cluster
//   shows the dot colour inside one rim: with coverage in the high byte and the rim share stored
//   inverted, a branch-free max.
// - colour (RGBA8, straight alpha): the dot over the trail, composited only in live tiles and
//   only when something changed; the rows it changed are uploaded.
#pragma once
#include <array>
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

  // How the planes are coloured: dots in `dot` with a `rim`; trails in `trail`, faded over
  // `length` updates before the stamp `now` (length 0: dots only).
  struct Style {
    render::Rgba dot, rim, trail;
    float now = 0, length = 0;
    bool operator==(const Style&) const = default;
  };
  // Composites what changed, uploads it and draws the canvas over the painter's current panel.
  void draw(render::Painter& painter, const Style& style);

 private:
  // A tile is live if it holds a dot or a stamp newer than `oldest_visible`.
  bool live(int tx, int ty, float oldest_visible) const;
  // What the pass covers: rectangles of live tiles (x0 y0 x1 y1, canvas pixels), one per run of
  // live tiles along a tile row.
  const std::vector<int>& live_rects(float oldest_visible);

  int w_ = 0, h_ = 0, tiles_x_ = 0, tiles_y_ = 0;
  view::WorldRect world_{};
  // A disc's dot values (coverage << 8 | rim share) in an n × n block, for each of kSteps²
  // sub-pixel positions of its centre; remade when the size or rim changes.
  struct DotStamps {
    static constexpr int kSteps = 4;
    float size = -1, rim = -1, reach = 0;
    int n = 0;
    std::array<std::vector<std::uint16_t>, kSteps * kSteps> stamps;
    void make(float size_px, float rim_px);
  };

  // Colours the pixels of tile (tx, ty), or clears them when it is not live.
  void composite_tile(int tx, int ty, bool live, const Style& style);

  std::vector<float> stamps_;            // w × h
  std::vector<std::uint16_t> dots_;      // w × h, coverage << 8 | rim share
  std::vector<std::uint32_t> colour_;    // w × h, RGBA8 (R in the lowest byte)
  std::vector<float> tile_newest_;       // per tile: its newest stamp
  std::vector<std::uint8_t> tile_dots_;  // per tile: holds a dot
  std::vector<std::uint8_t> tile_shown_;  // per tile: coloured in the texture
  std::pair<int, int> painted_rows_{0, 0};  // the rows the current dots are on
  bool changed_ = true;                  // the planes changed since the last composite
  Style composited_;                     // the style of the last composite
  DotStamps dot_stamps_;
  std::vector<int> rects_;
  render::CanvasTexture texture_;
};

}  // namespace scorelab::layers
