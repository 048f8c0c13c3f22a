// Camera arithmetic for the plot panels (see camera.h).
#include "app/view/camera.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace scorelab::view {

namespace {
// The half height stays where floats still resolve a pixel and the heatmap stays finite.
constexpr double kMaxHalfHeight = 1e6;  // the least is min_half_height (core/scene/scene.h)
}  // namespace

WorldRect world_rect(const ViewConfig& view, const PixelRect& panel) {
  const double aspect = double(std::max(panel.w, 1.0f)) / std::max(panel.h, 1.0f);
  return {view.center_x, view.center_y, view.half_height * aspect, view.half_height};
}

PanelLayout layout_panels(const ViewConfig& view, const PixelRect& plot) {
  PanelLayout l;
  l.count = panel_count(view);
  // Rows: one for split view; for small multiples the count whose panels' aspect ratio is
  // nearest to 1 (|log aspect| smallest; fewer rows on a tie).
  int rows = 1;
  if (view.multiples.on) {
    double best = INFINITY;
    for (int r = 1; r <= l.count; ++r) {
      const int c = (l.count + r - 1) / r;
      const double aspect = (double(plot.w) / c) / std::max(double(plot.h) / r, 1.0);
      if (std::abs(std::log(aspect)) < best - 1e-9) {
        best = std::abs(std::log(aspect));
        rows = r;
      }
    }
  }
  l.columns = (l.count + rows - 1) / rows;
  const float w = plot.w / float(l.columns), h = plot.h / float(rows);
  for (int p = 0; p < l.count; ++p) {
    l.rects[p] = {plot.x + float(p % l.columns) * w, plot.y + float(p / l.columns) * h, w, h};
    l.worlds[p] = world_rect(view, l.rects[p]);
  }
  return l;
}

ViewConfig shown_view(const ViewConfig& view, const PixelRect& plot, const Points& particles) {
  if (!view.follow_particles || particles.cols() == 0) return view;
  // Each axis's 1st and 99th percentile (nth_element on a copy: 2,000 particles, ~20 µs).
  double reach[2] = {0, 0};  // from the centre, data units
  for (int axis = 0; axis < 2; ++axis) {
    std::vector<float> c;
    c.reserve(std::size_t(particles.cols()));
    for (Index i = 0; i < particles.cols(); ++i)
      if (std::isfinite(particles(0, i)) && std::isfinite(particles(1, i)))
        c.push_back(particles(axis, i));
    if (c.empty()) return view;
    const auto at = [&](double q) {
      auto it = c.begin() + std::ptrdiff_t(q * double(c.size() - 1));
      std::nth_element(c.begin(), it, c.end());
      return double(*it);
    };
    const double centre = axis == 0 ? view.center_x : view.center_y;
    reach[axis] = std::max(at(0.99) - centre, centre - at(0.01));
  }
  // The narrowest panel decides (they share one camera): x reach over its aspect.
  const PanelLayout l = layout_panels(view, plot);
  double aspect = INFINITY;
  for (int p = 0; p < l.count; ++p)
    aspect = std::min(aspect, double(std::max(l.rects[p].w, 1.0f)) / std::max(l.rects[p].h, 1.0f));
  ViewConfig shown = view;
  shown.half_height =
      std::clamp(1.05 * std::max(reach[1], reach[0] / aspect), view.half_height, kMaxHalfHeight);
  return shown;
}

Eigen::Vector2d to_world(const WorldRect& r, const PixelRect& panel, float px, float py) {
  const double u = (px - panel.x) / std::max(panel.w, 1.0f);  // 0 left .. 1 right
  const double v = (py - panel.y) / std::max(panel.h, 1.0f);  // 0 top .. 1 bottom
  return {r.x0() + u * 2 * r.hw, r.y1() - v * 2 * r.hh};
}

Eigen::Vector2f to_pixels(const WorldRect& r, const PixelRect& panel, double x, double y) {
  return {static_cast<float>(panel.x + (x - r.x0()) / (2 * r.hw) * panel.w),
          static_cast<float>(panel.y + (r.y1() - y) / (2 * r.hh) * panel.h)};
}

void pan(ViewConfig& view, const PixelRect& panel, float dx, float dy) {
  const double per_px = 2 * view.half_height / std::max(panel.h, 1.0f);
  view.center_x = std::clamp(view.center_x - dx * per_px, -1e6, 1e6);
  view.center_y = std::clamp(view.center_y + dy * per_px, -1e6, 1e6);
  // Far from the origin a deep zoom no longer resolves: widen to what floats show there.
  view.half_height = std::max(view.half_height, min_half_height(view.center_x, view.center_y));
}

void zoom(ViewConfig& view, const PixelRect& panel, double factor, float px, float py) {
  const Eigen::Vector2d before = to_world(view, panel, px, py);
  view.half_height = std::clamp(view.half_height / factor,
                                min_half_height(view.center_x, view.center_y), kMaxHalfHeight);
  const Eigen::Vector2d after = to_world(view, panel, px, py);
  view.center_x = std::clamp(view.center_x + before.x() - after.x(), -1e6, 1e6);
  view.center_y = std::clamp(view.center_y + before.y() - after.y(), -1e6, 1e6);
}

void fit(ViewConfig& view, const PixelRect& panel, const Points& points) {
  Eigen::Vector2d lo(INFINITY, INFINITY), hi(-INFINITY, -INFINITY);
  for (Index i = 0; i < points.cols(); ++i) {
    const Eigen::Vector2d p = points.col(i).cast<double>();
    if (!p.allFinite()) continue;
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  if (!(lo.x() <= hi.x())) return;
  const double aspect = double(std::max(panel.w, 1.0f)) / std::max(panel.h, 1.0f);
  const Eigen::Vector2d half = 0.5 * (hi - lo);
  view.center_x = 0.5 * (lo.x() + hi.x());
  view.center_y = 0.5 * (lo.y() + hi.y());
  view.half_height = std::clamp(1.1 * std::max({half.y(), half.x() / aspect, 0.5}),
                                min_half_height(view.center_x, view.center_y), kMaxHalfHeight);
}

double tick_step(double lo, double hi, int target) {
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

}  // namespace scorelab::view
