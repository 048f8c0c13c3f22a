// The error layer: the p-weighted squared error of the learned score against the exact one, as a
// heatmap over the density, with its legend. In a split view only on learned panels (on an exact
// panel it would repeat its neighbour's).
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
    bool changed = ui::slider("resolution", l.error.resolution, 8, 96);
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
    Gpu& g = gpu_[f.panel];
    if (g.revision != e->revision) {
      g.texture.upload(e->key.grid.nx, e->key.grid.ny, e->error.per_point.data());
      g.revision = e->revision;
    }
    painter.field(g.texture, e->key.grid, 0.0f, std::max(e->stats.robust_max, 1e-12f),
                  f.layers().error.colormap, f.layers().density.on ? 0.85f : 1.0f,
                  /*fill=*/true, /*contours=*/false, 1.0f);
  }

  std::optional<Legend> legend(const PanelFrame& f) const override {
    if (!shown(f)) return std::nullopt;
    const app::ErrorMap* e = f.fields.error(f.inputs, f.layers().error);
    if (!e) return std::nullopt;
    char title[64];
    std::snprintf(title, sizeof title, "p-weighted error (mean %.3g)", e->error.weighted_mean);
    return Legend{f.layers().error.colormap, title, 0.0f, e->stats.robust_max, "%.3g"};
  }

 private:
  static bool shown(const PanelFrame& f) {
    return !f.ctx.scene().view.split || f.ctx.panel(f.panel).source == FieldSource::Learned;
  }
  struct Gpu {
    render::FloatTexture texture;
    long revision = -1;
  };
  PerPanel<Gpu> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_error_layer() { return std::make_unique<ErrorLayer>(); }

}  // namespace scorelab::layers
