// The contours layer: lines of constant log p every so many nats, from the density layer's field
// (the panel's cache computes it once for both), drawn per pixel by the field shader. Over the
// heatmap the density layer draws them in its own pass (one pass per pixel, not two); alone, this
// layer draws them over what is below.
#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

class ContoursLayer final : public Layer {
 public:
  std::string_view label() const override { return "contours"; }
  int key() const override { return 3; }
  bool on(const LayersConfig& l) const override { return l.density.contours; }
  void set_on(LayersConfig& l, bool on) const override { l.density.contours = on; }
  bool widgets(LayersConfig& l) const override {
    return ui::slider("spacing (nats)", l.density.contour_spacing, 0.05, 20, "%.3g", true);
  }

  void compute(PanelFrame& f) override { (void)field(f); }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (f.layers().density.on) return;  // drawn with the heatmap (density_layer.cpp)
    // A panel showing the PF-ODE's density draws its contours (model_density_layer.cpp).
    if (f.ctx.panel(f.panel).ode_density) return;
    const app::DensityField& d = field(f);
    if (d.log_density.size() == 0) return;
    GridTexture& g = gpu_[f.panel];
    g.update(d.key.grid, d.log_density, d.revision);
    const auto& cfg = f.layers().density;
    const app::DensityRange r = app::density_range(d.stats, cfg, f.ctx.density_scale());
    painter.field(g.texture, d.key.grid, r.lo, r.hi, cfg.colormap, 1.0f, /*fill=*/false,
                  /*contours=*/true, float(cfg.contour_spacing));
  }

 private:
  static const app::DensityField& field(const PanelFrame& f) {
    return f.fields.density(f.inputs, f.layers().density.resolution);
  }
  PerPanel<GridTexture> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_contours_layer() { return std::make_unique<ContoursLayer>(); }

}  // namespace scorelab::layers
