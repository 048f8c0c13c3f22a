// The particles layer: the sampler's particles as dots in a colour that stands out on the
// heatmap (their trails are the trails layer).
#include "app/layers/layer.h"
#include "app/layers/widgets.h"

namespace scorelab::layers {

namespace {

class ParticlesLayer final : public Layer {
 public:
  std::string_view label() const override { return "particles"; }
  int key() const override { return 7; }
  bool on(const LayersConfig& l) const override { return l.particles.on; }
  void set_on(LayersConfig& l, bool on) const override { l.particles.on = on; }
  bool widgets(LayersConfig& l) const override {
    return ui::slider("size", l.particles.point_size, 1, 20, "%.1f");
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!f.ctx.panel(f.panel).shows_particles) return;  // never over a field at another level
    if (!gpu_) gpu_ = std::make_unique<PointBuffer>();
    gpu_->update(f.ctx.particles().display(), f.ctx.particles().revision());
    const render::Palette& palette = painter.current_palette();
    painter.points(gpu_->vao, gpu_->count,
                   float(f.layers().particles.point_size) * painter.pixel_scale(), palette.particle,
                   palette.particle_rim);
  }

 private:
  std::unique_ptr<PointBuffer> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_particles_layer() { return std::make_unique<ParticlesLayer>(); }

}  // namespace scorelab::layers
