// The streamlines layer: curves traced along the score field of the panel's source, from seeds on
// a grid (computed with the arrows' score grid by the panel's cache). Their direction shows twice:
// each line fades in along the flow (faint at its seed, solid at its end) and carries an arrowhead halfway.
#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

#include <algorithm>

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

  void compute(PanelFrame& f) override { (void)f.fields.arrows(f.inputs, f.score_config()); }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const app::ArrowField* a = f.fields.arrows(f.inputs, f.score_config());
    if (!a) return;
    Gpu& g = gpu_[f.panel];
    if (!g.made) {
      render::Painter::make_line_layout(g.vao, g.vertices);
      painter.make_arrow_layout(g.head_vao, g.heads);
      g.made = true;
    }
    // Arrowheads about 12 pixels long: world units per pixel of this panel.
    const float per_px = float(2 * painter.world().hw / painter.panel_rect().w);
    const float head = 12 * painter.pixel_scale() * per_px;
    if (g.revision != a->revision || g.head_len != head) {
      g.staging.clear();
      g.head_staging.clear();
      for (const Points& line : a->streamlines) {
        const Index n = line.cols();
        for (Index k = 0; k + 1 < n; ++k)
          for (Index e : {k, k + 1}) {
            const float along = float(e) / float(std::max<Index>(n - 1, 1));  // 0 seed … 1 end
            g.staging.insert(g.staging.end(),
                             {line(0, e), line(1, e), 1.0f, 1.0f, 1.0f, 0.15f + 0.6f * along});
          }
        if (n < 5) continue;
        // The head halfway along (the lines all end in the modes, where heads would pile up),
        // pointing along the neighbouring steps.
        const Index mid = n / 2;
        const Eigen::Vector2f d = line.col(mid + 2) - line.col(mid - 2);
        if (d.norm() <= 0) continue;
        const Eigen::Vector2f v = d.normalized() * head, base = line.col(mid);
        g.head_staging.insert(g.head_staging.end(), {base.x(), base.y(), v.x(), v.y(), 0.0f});
      }
      g.vertices.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.count = static_cast<GLsizei>(g.staging.size() / 6);
      g.heads.upload(g.head_staging.data(), sizeof(float) * g.head_staging.size());
      g.head_count = static_cast<GLsizei>(g.head_staging.size() / 5);
      g.revision = a->revision;
      g.head_len = head;
    }
    painter.lines(g.vao, g.count);
    painter.arrows(g.head_vao, g.head_count, 0.9f);
  }

 private:
  struct Gpu {
    render::VertexArray vao, head_vao;
    render::Buffer vertices, heads;  // line vertices; arrowhead instances (base, vector, colour)
    bool made = false;
    long revision = -1;
    float head_len = 0;  // world units the heads were made for
    GLsizei count = 0, head_count = 0;
    std::vector<float> staging, head_staging;
  };
  PerPanel<Gpu> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_streamlines_layer() { return std::make_unique<StreamlinesLayer>(); }

}  // namespace scorelab::layers
