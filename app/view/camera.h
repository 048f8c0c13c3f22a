// The plot camera: a centre and a half height in data units (stored in the Scene's ViewConfig,
// so the view round-trips), mapped onto a panel rectangle in window pixels. Split panels share
// one camera (linked); each has its own aspect ratio.
#pragma once
#include <Eigen/Core>
#include <array>

#include "core/common/points.h"
#include "core/scene/scene.h"

namespace scorelab::view {

// A panel's rectangle in window pixels (ImGui's coordinates: origin top-left, y down).
struct PixelRect {
  float x = 0, y = 0, w = 1, h = 1;
  bool contains(float px, float py) const { return px >= x && px < x + w && py >= y && py < y + h; }
};

// The world rectangle a panel shows: centre ± half extents (data units).
struct WorldRect {
  double cx = 0, cy = 0, hw = 1, hh = 1;
  double x0() const { return cx - hw; }
  double x1() const { return cx + hw; }
  double y0() const { return cy - hh; }
  double y1() const { return cy + hh; }
};

WorldRect world_rect(const ViewConfig& view, const PixelRect& panel);

// Window pixel ↔ data units inside `panel`, which shows `world` (a PanelLayout's worlds, or
// world_rect(view, panel)).
Eigen::Vector2d to_world(const WorldRect& world, const PixelRect& panel, float px, float py);
Eigen::Vector2f to_pixels(const WorldRect& world, const PixelRect& panel, double x, double y);
inline Eigen::Vector2d to_world(const ViewConfig& view, const PixelRect& panel, float px,
                                float py) {
  return to_world(world_rect(view, panel), panel, px, py);
}
inline Eigen::Vector2f to_pixels(const ViewConfig& view, const PixelRect& panel, double x,
                                 double y) {
  return to_pixels(world_rect(view, panel), panel, x, y);
}

// Drag by (dx, dy) window pixels: the point under the cursor stays under it.
void pan(ViewConfig& view, const PixelRect& panel, float dx, float dy);
// Zoom by `factor` (> 1 zooms in) about the window pixel (px, py), which stays fixed.
void zoom(ViewConfig& view, const PixelRect& panel, double factor, float px, float py);
// Shows every finite point with a 10% margin (the ring by default); keeps the view if none.
void fit(ViewConfig& view, const PixelRect& panel, const Points& points);

// The plot panels inside `plot`, all with one linked camera (the same centre and half height),
// and the world rectangle each shows: one; two side by side (split view); or the small multiples'
// panels (view.multiples), in the grid of rows × columns whose panels are closest to square, filled
// row by row (split view is this grid forced to one row, so split scenes keep their look).
struct PanelLayout {
  int count = 1;
  int columns = 1;
  std::array<PixelRect, kMaxPanels> rects{};
  std::array<WorldRect, kMaxPanels> worlds{};
};
PanelLayout layout_panels(const ViewConfig& view, const PixelRect& plot);

// The camera a frame draws with: `view` itself, or with view.follow_particles, `view` zoomed out
// about its centre until every panel of layout_panels(view, plot) shows the middle 98% of
// `particles` along each axis (the 1st to the 99th percentile, with a 5% margin). Never closer than
// `view`, and never beyond the largest half height; non-finite particles are ignored.
ViewConfig shown_view(const ViewConfig& view, const PixelRect& plot, const Points& particles);

// "Nice" tick positions (1, 2, 5 × 10^k) for [lo, hi] with about `target` ticks.
double tick_step(double lo, double hi, int target);

}  // namespace scorelab::view
