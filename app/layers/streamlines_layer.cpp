// The streamlines layer: curves traced along the score field of the panel's source, from seeds on
// a grid (computed with the arrows' score grid by the panel's cache).
#include "app/layers/layer.h"
#include "app/layers/widgets.h"

namespace scorelab::layers {

namespace {

class StreamlinesLayer final : public Layer {
 public:
  std::string_view label() const override { return "streamlines"; }
  int key() const override { return 5; }
  bool on(const LayersConfig& l) const override { return l.score.streamlines; }
  void set_on(LayersConfig& l, bool on) const override { l.score.streamlines = on; }
  bool widgets(LayersConfig& l) const override {
    return ui::slider("seeds", l.score.seeds, 2, 64);
  }

  void compute(PanelFrame& f) override { (void)f.fields.arrows(f.inputs, f.layers().score); }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const app::ArrowField* a = f.fields.arrows(f.inputs, f.layers().score);
    if (!a) return;
    Gpu& g = gpu_[f.panel];
    if (!g.made) {
      render::Painter::make_line_layout(g.vao, g.vertices);
      g.made = true;
    }
    if (g.revision != a->revision) {
      g.staging.clear();
      for (const Points& line : a->streamlines)
        for (Index k = 0; k + 1 < line.cols(); ++k)
          for (Index e : {k, k + 1})
            g.staging.insert(g.staging.end(), {line(0, e), line(1, e), 1.0f, 1.0f, 1.0f, 0.55f});
      g.vertices.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.count = static_cast<GLsizei>(g.staging.size() / 6);
      g.revision = a->revision;
    }
    painter.lines(g.vao, g.count);
  }

 private:
  struct Gpu {
    render::VertexArray vao;
    render::Buffer vertices;
    bool made = false;
    long revision = -1;
    GLsizei count = 0;
    std::vector<float> staging;
  };
  PerPanel<Gpu> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_streamlines_layer() { return std::make_unique<StreamlinesLayer>(); }

}  // namespace scorelab::layers
