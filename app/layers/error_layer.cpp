// The error layer: where the learned score is wrong, as a heatmap over the density with a legend
// that says which error it is. Relative (the default): ‖s_θ − s‖ / ‖s‖ on a fixed 0–100% scale, so
// the low-density regions where score matching has no data light up. p-weighted: what the
// objective minimises, which hides those regions (scaled to its 98th percentile). In a split view
// only on learned panels (on an exact panel it would repeat its neighbour's).
#include <cstdio>

#include "app/layers/layer.h"
#include "app/layers/widgets.h"

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
    return changed;
  }

  void compute(PanelFrame& f) override {
    if (shown(f)) (void)f.fields.error(f.inputs, f.layers().error);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!shown(f)) return;
    const app::ErrorMap* e = f.fields.error(f.inputs, f.layers().error);
    if (!e) return;
    GridTexture& g = gpu_[f.panel];
    g.update(e->key.grid, e->error.per_point, e->revision);
    painter.field(g.texture, e->key.grid, 0.0f, top(*e), f.layers().error.colormap,
                  f.layers().density.on ? 0.85f : 1.0f, /*fill=*/true, /*contours=*/false, 1.0f);
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

  // One line along the bottom of the panel saying which error the colours are.
  void overlay(ImDrawList* dl, const PanelFrame& f) const override {
    if (!shown(f) || !f.fields.error(f.inputs, f.layers().error)) return;
    const char* text = f.layers().error.kind == ErrorKind::Relative
                           ? "error: |learned - exact| / |exact|, unweighted"
                           : "error: p(x) |learned - exact|^2, as trained";
    const float lh = ImGui::GetTextLineHeight();
    ui::outlined_text(dl, ImVec2(f.rect.x + 3 * lh, f.rect.y + f.rect.h - 2.4f * lh), text,
                      IM_COL32(255, 220, 160, 255));
  }

 private:
  // The value at the top of the colormap: 100% for the relative error (above is clamped there).
  static float top(const app::ErrorMap& e) {
    return e.kind == ErrorKind::Relative ? 1.0f : std::max(e.stats.robust_max, 1e-12f);
  }
  static bool shown(const PanelFrame& f) {
    return !f.ctx.scene().view.split || f.ctx.panel(f.panel).source == FieldSource::Learned;
  }
  PerPanel<GridTexture> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_error_layer() { return std::make_unique<ErrorLayer>(); }

}  // namespace scorelab::layers
