// The score arrows layer: ∇ₓ log p of the panel's source (exact or learned) on a grid, or the
// probability flow's velocity v = dx/dt (layers.score.field), drawn as instanced arrows whose
// length follows the chosen mode and whose colour follows the magnitude. The panel's title names
// the field ("exact score", "learned velocity"); velocity arrows add a line at the bottom saying
// what the velocity is and at which t (a picture is a claim). Score arrows add none: the title
// says it, and a line on every panel of every lesson would cover data for nothing.
#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

#include <cstdio>
#include <string>

namespace scorelab::layers {

namespace {

class ArrowsLayer final : public Layer {
 public:
  std::string_view label() const override { return "score arrows"; }
  int key() const override { return 4; }
  bool on(const LayersConfig& l) const override { return l.score.on; }
  void set_on(LayersConfig& l, bool on) const override { l.score.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::enum_combo("field", l.score.field);
    changed |= ui::slider("grid", l.score.grid, 4, 128);
    changed |= ui::enum_combo("length", l.score.length);
    changed |= ui::slider("scale", l.score.scale, 0.05, 20, "%.2f", true);
    return changed;
  }

  void compute(PanelFrame& f) override { (void)f.fields.arrows(f.inputs, f.score_config()); }

  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    const app::ArrowField* a = f.fields.arrows(f.inputs, f.score_config());
    if (!a) return {};
    if (a->field != ArrowQuantity::Velocity) return {};
    std::string text = "arrows: velocity v = dx/dt";
    if (f.inputs.guided)
      text += " (guided)";
    else
      text += f.inputs.source == FieldSource::Learned ? " (learned)" : " (exact)";
    char at[32];
    std::snprintf(at, sizeof at, " at t = %.2f", f.inputs.level.t);
    return {{text + at, IM_COL32(230, 230, 230, 255)}};
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const app::ArrowField* a = f.fields.arrows(f.inputs, f.score_config());
    if (!a) return;
    Gpu& g = gpu_[f.panel];
    if (!g.made) {
      painter.make_arrow_layout(g.vao, g.instances);
      g.made = true;
    }
    if (g.revision != a->revision) {
      const Index n = a->base.cols();
      g.staging.resize(5 * n);
      for (Index i = 0; i < n; ++i) {
        float* v = &g.staging[5 * i];
        v[0] = a->base(0, i);
        v[1] = a->base(1, i);
        v[2] = a->vec(0, i);
        v[3] = a->vec(1, i);
        v[4] = a->color[i];
      }
      g.instances.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.count = static_cast<GLsizei>(n);
      g.revision = a->revision;
    }
    painter.arrows(g.vao, g.count, 0.9f);
  }

 private:
  struct Gpu {
    render::VertexArray vao;
    render::Buffer instances;
    bool made = false;
    long revision = -1;
    GLsizei count = 0;
    std::vector<float> staging;
  };
  PerPanel<Gpu> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_arrows_layer() { return std::make_unique<ArrowsLayer>(); }

}  // namespace scorelab::layers
