// The error layer: where the learned score is wrong, as a heatmap over the density with a legend
// that says which error it is. Relative (the default): ‖s_θ − s‖ / ‖s‖ on a fixed 0–100% scale, so
// the low-density regions where score matching has no data light up. p-weighted: what the
// objective minimises, which hides those regions (scaled to its 98th percentile). In a split view
// only on learned panels (on an exact panel it would repeat its neighbour's).
//
// The optional low-density outline (layers.error.low_density_outline) is the contour where p, the
// exact density at the panel's level, equals its `quantile` over the data points: outside it lie
// fewer than that fraction of the data, where score matching has (almost) nothing to fit.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

class ErrorLayer final : public Layer {
 public:
  std::string_view label() const override { return "error (learned vs exact)"; }
  int key() const override { return 6; }
  bool on(const LayersConfig& l) const override { return l.error.on; }
  void set_on(LayersConfig& l, bool on) const override { l.error.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::enum_combo("error", l.error.kind);
    changed |= ui::slider("resolution", l.error.resolution, 8, 96);
    changed |= ui::enum_combo("colormap", l.error.colormap);
    auto& outline = l.error.low_density_outline;
    changed |= ui::checkbox("low-density outline", outline.on);
    if (outline.on)
      changed |= ui::slider("quantile of p", outline.quantile, 0.001, 0.5, "%.3f", true);
    return changed;
  }

  void compute(PanelFrame& f) override {
    if (!shown(f)) return;
    (void)f.fields.error(f.inputs, f.layers().error);
    const auto& outline = f.layers().error.low_density_outline;
    outline_[std::size_t(f.panel)] =
        outline.on ? f.fields.outline(f.inputs, outline.quantile) : nullptr;
    // The outline is a contour of the density field.
    if (outline.on) (void)f.fields.density(f.inputs, f.layers().density.resolution);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!shown(f)) return;
    const app::ErrorMap* e = f.fields.error(f.inputs, f.layers().error);
    if (!e) {  // no snapshot yet: the outline alone
      draw_outline(painter, f);
      return;
    }
    GridTexture& g = gpu_[f.panel];
    g.update(e->key.grid, e->error.per_point, e->revision);
    painter.field(g.texture, e->key.grid, 0.0f, top(*e), f.layers().error.colormap,
                  f.layers().density.on ? 0.85f : 1.0f, /*fill=*/true, /*contours=*/false, 1.0f);
    draw_outline(painter, f);
  }

  std::optional<Legend> legend(const PanelFrame& f) const override {
    if (!shown(f)) return std::nullopt;
    const app::ErrorMap* e = f.fields.error(f.inputs, f.layers().error);
    if (!e) return std::nullopt;
    char title[96];
    if (e->kind == ErrorKind::Relative) {
      std::snprintf(title, sizeof title, "relative error\nmean %.0f%%",
                    100 * e->error.weighted_mean);
      return Legend{f.layers().error.colormap, title, 0.0f, 100.0f, "%.0f%%"};
    }
    std::snprintf(title, sizeof title, "p-weighted error\nmean %.3g", e->error.weighted_mean);
    return Legend{f.layers().error.colormap, title, 0.0f, top(*e), "%.3g"};
  }

  // Along the bottom: which error the colours are, and what the outline means.
  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    std::vector<ReadoutLine> lines;
    if (!shown(f)) return lines;
    if (f.fields.error(f.inputs, f.layers().error)) {
      const std::string text = f.layers().error.kind == ErrorKind::Relative
                                   ? "error: |learned - exact| / |exact|, unweighted"
                                   : "error: p(x) |learned - exact|^2, as trained";
      lines.emplace_back(text, IM_COL32(255, 220, 160, 255));
    }
    if (outline(f)) {
      char legend[120];
      std::snprintf(legend, sizeof legend, "line: p at its %.3g%% quantile over the data, lower beyond",
                    100 * f.layers().error.low_density_outline.quantile);
      lines.push_back({legend, kOutlineColor, std::nullopt, kOutlineColor});
    }
    return lines;
  }

  // The value at the top of the colormap: 100% for the relative error (above is clamped there).
  static float top(const app::ErrorMap& e) {
    return e.kind == ErrorKind::Relative ? 1.0f : std::max(e.stats.robust_max, 1e-12f);
  }
  static bool shown(const PanelFrame& f) {
    return !f.ctx.scene().view.split || f.ctx.panel(f.panel).source == FieldSource::Learned;
  }
  static constexpr ImU32 kOutlineColor = IM_COL32(90, 230, 255, 255);  // cyan: apart from magma

  // This frame's outline level (PanelFields::outline), null when the outline is off or has none:
  // computed in compute(), read by draw() and readouts().
  const app::DensityOutline* outline(const PanelFrame& f) const {
    return outline_[std::size_t(f.panel)];
  }

  void draw_outline(render::Painter& painter, PanelFrame& f) {
    const app::DensityOutline* o = outline(f);
    if (!o) return;
    const app::DensityField& d = f.fields.density(f.inputs, f.layers().density.resolution);
    GridTexture& texture = outline_gpu_[f.panel];  // the panel's log p (the density field's grid)
    texture.update(d.key.grid, d.log_density, d.revision);
    const float range = std::max(std::abs(d.stats.max - o->threshold),
                                 std::abs(d.stats.min - o->threshold)) + 1.0f;
    painter.level_line(texture.texture, d.key.grid, o->threshold, range, {0, 0, 0, 1}, 4.0f);
    painter.level_line(texture.texture, d.key.grid, o->threshold, range,
                       {90 / 255.0f, 230 / 255.0f, 1, 1}, 2.2f);
  }

  PerPanel<GridTexture> gpu_, outline_gpu_;
  std::array<const app::DensityOutline*, kMaxPanels> outline_{};
};

}  // namespace

std::unique_ptr<Layer> make_error_layer() { return std::make_unique<ErrorLayer>(); }

}  // namespace scorelab::layers
