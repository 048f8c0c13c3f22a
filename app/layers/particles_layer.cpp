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
    if (!gpu_) gpu_ = std::make_unique<Gpu>();
    const app::Particles& parts = f.ctx.particles();
    if (parts.revision() != revision_) {
      const Points& x = parts.display();
      gpu_->points.upload(x.data(), sizeof(float) * x.size());
      count_ = static_cast<GLsizei>(x.cols());
      revision_ = parts.revision();
    }
    painter.points(gpu_->vao, count_,
                   float(f.layers().particles.point_size) * painter.pixel_scale(),
                   render::particle_color(f.layers()));
  }

 private:
  struct Gpu {
    render::VertexArray vao;
    render::Buffer points;
    Gpu() { render::Painter::make_point_layout(vao, points); }
  };
  std::unique_ptr<Gpu> gpu_;
  long revision_ = -1;
  GLsizei count_ = 0;
};

}  // namespace

std::unique_ptr<Layer> make_particles_layer() { return std::make_unique<ParticlesLayer>(); }

}  // namespace scorelab::layers
