// The data layer: the training samples as points (the scene's data, drawn from its data stream).
#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

class DataLayer final : public Layer {
 public:
  std::string_view label() const override { return "data"; }
  int key() const override { return 1; }
  bool on(const LayersConfig& l) const override { return l.data.on; }
  void set_on(LayersConfig& l, bool on) const override { l.data.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::slider("size", l.data.point_size, 1, 20, "%.1f");
    changed |= ui::slider("opacity", l.data.opacity, 0, 1, "%.2f");
    return changed;
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!gpu_) gpu_ = std::make_unique<PointBuffer>();
    gpu_->update(f.ctx.data_points(), f.ctx.data_revision());
    const auto& cfg = f.layers().data;
    render::Rgba color = painter.current_palette().data;
    color[3] *= float(cfg.opacity);
    painter.points(gpu_->vao, gpu_->count, float(cfg.point_size) * painter.pixel_scale(), color,
                   painter.current_palette().data_rim);
  }

 private:
  std::unique_ptr<PointBuffer> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_data_layer() { return std::make_unique<DataLayer>(); }

}  // namespace scorelab::layers
