// The trails layer: the first `trail_particles` particles leave trails that fade over `trail`
// particle updates. Each panel keeps a persistent canvas (a float texture the panel's size): every
// particle update draws only the newest segment of each trail into it, stamped with the update's
// number, and every frame one pass over the panel turns stamps into colour by their age. A frame
// costs one segment per particle plus one pass over the panel, whatever the trail length.
//
// The segments are stamped on the CPU into a copy of the canvas and the changed rows uploaded:
// software GL (llvmpipe) spends ~0.4 µs setting up each line, 8 ms a frame for 20,000 trails,
// where a DDA walk over their few pixels each takes well under one.
//
// A panel's canvas is cleared when what it shows no longer holds: the view moved (pan, zoom, fit,
// a split), the panel's size changed, the sampler restarted, or the trail settings changed.
#include "app/layers/layer.h"
#include "app/layers/widgets.h"

#include <cmath>
#include <vector>

namespace scorelab::layers {

namespace {

bool same_view(const view::WorldRect& a, const view::WorldRect& b) {
  return a.cx == b.cx && a.cy == b.cy && a.hw == b.hw && a.hh == b.hh;
}

// Segments longer than this (framebuffer pixels, before the UI scale) are left out: at high noise
// particles leap across the view, which shows no local motion.
constexpr float kMaxSegmentPx = 48;

// Stamps the segments prev.col(i) → next.col(i) (world units) into `stamps` (w × h floats, row 0 at
// the bottom, as GL stores the texture): the pixels a DDA walk visits get `stamp` − 1 at the older
// end rising to `stamp` at the newest; later segments overwrite earlier ones. `row_newest` (h) and
// `col_newest` (w) get `stamp` where a pixel was written. Returns the rows touched as [lo, hi)
// (empty: lo ≥ hi).
std::pair<int, int> stamp_segments(std::vector<float>& stamps, std::vector<float>& row_newest,
                                   std::vector<float>& col_newest, int w, int h,
                                   const view::WorldRect& world, const Points& prev,
                                   const Points& next, float stamp, float max_px) {
  const float sx = float(w) / float(2 * world.hw), sy = float(h) / float(2 * world.hh);
  const float ox = float(world.cx - world.hw), oy = float(world.cy - world.hh);
  int lo = h, hi = 0;
  for (Index i = 0; i < next.cols(); ++i) {
    const float x0 = (prev(0, i) - ox) * sx, y0 = (prev(1, i) - oy) * sy;
    const float x1 = (next(0, i) - ox) * sx, y1 = (next(1, i) - oy) * sy;
    const float dx = x1 - x0, dy = y1 - y0;
    const float len = std::max(std::abs(dx), std::abs(dy));
    if (!(dx * dx + dy * dy <= max_px * max_px)) continue;  // also NaN
    // Both ends outside on the same side: nothing to draw.
    if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) || (x0 >= w && x1 >= w) || (y0 >= h && y1 >= h))
      continue;
    const int steps = std::max(1, int(std::ceil(len)));
    for (int k = 0; k <= steps; ++k) {
      const float a = float(k) / float(steps);
      const int px = int(std::floor(x0 + a * dx)), py = int(std::floor(y0 + a * dy));
      if (px < 0 || py < 0 || px >= w || py >= h) continue;
      stamps[std::size_t(py) * std::size_t(w) + std::size_t(px)] = stamp - 1 + a;
      row_newest[std::size_t(py)] = col_newest[std::size_t(px)] = stamp;
      lo = std::min(lo, py);
      hi = std::max(hi, py + 1);
    }
  }
  return {lo, hi};
}

// The smallest rectangle holding every pixel whose stamp is newer than `oldest`: a pixel is in a
// row and a column that were written at its stamp or later. Empty (w = 0) when there is none.
render::FramebufferRect live_rect(const std::vector<float>& row_newest,
                                  const std::vector<float>& col_newest, float oldest) {
  const auto span = [oldest](const std::vector<float>& v) {
    int lo = int(v.size()), hi = 0;
    for (int i = 0; i < int(v.size()); ++i)
      if (v[std::size_t(i)] > oldest) lo = std::min(lo, i), hi = i + 1;
    return std::pair{lo, std::max(hi, lo)};
  };
  const auto [x0, x1] = span(col_newest);
  const auto [y0, y1] = span(row_newest);
  if (x1 <= x0 || y1 <= y0) return {0, 0, 0, 0};
  return {x0, y0, x1 - x0, y1 - y0};
}

class TrailsLayer final : public Layer {
 public:
  std::string_view label() const override { return "trails"; }
  int key() const override { return 8; }
  bool on(const LayersConfig& l) const override { return l.particles.trail > 0; }
  void set_on(LayersConfig& l, bool on) const override { l.particles.trail = on ? 30 : 0; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::slider("length (frames)", l.particles.trail, 1, 500);
    changed |= ui::slider("with trail", l.particles.trail_particles, 0, 20000);
    return changed;
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    // Trails belong to visible particles (none in small multiples: PanelView::shows_particles).
    if (!f.layers().particles.on || !f.ctx.panel(f.panel).shows_particles) return;
    record(f.ctx.particles(), f.layers().particles);

    Canvas& c = canvases_[f.panel];
    const render::FramebufferRect& fb = painter.panel_rect();
    const bool resized = c.pixels.resize(fb.w, fb.h);
    if (resized || c.run != run_ || !same_view(c.world, f.world) || c.tracked != tracked_) {
      if (!resized) c.pixels.clear();
      c.stamps.assign(std::size_t(fb.w) * std::size_t(fb.h), render::FloatCanvas::kEmpty);
      c.row_newest.assign(std::size_t(fb.h), render::FloatCanvas::kEmpty);
      c.col_newest.assign(std::size_t(fb.w), render::FloatCanvas::kEmpty);
      c.run = run_;
      c.world = f.world;
      c.tracked = tracked_;
      c.updates = 0;
      c.seen = revision_;  // the segment that led here was drawn in another view: not shown
    }
    if (c.seen != revision_) {
      c.seen = revision_;
      if (has_segment_) {
        ++c.updates;
        const auto [lo, hi] =
            stamp_segments(c.stamps, c.row_newest, c.col_newest, fb.w, fb.h, f.world, previous_,
                           newest_, float(c.updates), kMaxSegmentPx * painter.pixel_scale());
        if (lo < hi)
          c.pixels.upload_rows(c.stamps.data() + std::size_t(lo) * std::size_t(fb.w), lo, hi - lo);
      }
    }
    auto color = painter.current_palette().particle;
    color[3] = 0.6f;
    if (c.updates == 0) return;
    // Stamps at least `trail` updates old are invisible (the fade shader discards them).
    const float length = float(f.layers().particles.trail);
    const render::FramebufferRect live =
        live_rect(c.row_newest, c.col_newest, float(c.updates) - std::max(length, 1.0f));
    if (live.w > 0) painter.trail_fade(c.pixels, float(c.updates), length, color, live);
  }

 private:
  // Keeps the two newest particle updates of the tracked particles; a restart, a step back or a
  // new tracked count starts without a segment.
  void record(const app::Particles& parts, const LayersConfig::Particles& cfg) {
    if (parts.revision() == revision_) return;
    revision_ = parts.revision();
    const Points& x = parts.display();
    const int tracked = static_cast<int>(std::min<Index>(cfg.trail_particles, x.cols()));
    const bool same_run = tracked == tracked_ && parts.generation() == generation_ &&
                          parts.steps_taken() >= last_steps_ && revision_seen_ > 0;
    if (!same_run) ++run_;
    has_segment_ = same_run;
    tracked_ = tracked;
    generation_ = parts.generation();
    last_steps_ = parts.steps_taken();
    ++revision_seen_;
    previous_.swap(newest_);
    newest_ = x.leftCols(tracked);
  }

  // One panel's trail picture; `run`, `world` and `tracked` say what it was drawn for.
  struct Canvas {
    render::FloatCanvas pixels;
    std::vector<float> stamps;  // the canvas's texels on the CPU, row 0 at the bottom
    std::vector<float> row_newest, col_newest;  // the newest stamp written in each row, column
    long run = -1;
    view::WorldRect world{};
    int tracked = -1;
    long seen = -1;   // the particle revision whose segment is in the canvas
    int updates = 0;  // particle updates stamped since the canvas was cleared
  };
  PerPanel<Canvas> canvases_;
  int tracked_ = 0, last_steps_ = 0;
  Points previous_, newest_;  // 2 × tracked: the two newest particle updates, world units
  bool has_segment_ = false;  // previous_ holds the previous update of this run
  long revision_ = -1, generation_ = -1, run_ = 0, revision_seen_ = 0;
};

}  // namespace

std::unique_ptr<Layer> make_trails_layer() {
  return std::make_unique<TrailsLayer>();
}

}  // namespace scorelab::layers
