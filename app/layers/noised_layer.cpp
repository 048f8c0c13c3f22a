// The noised-data layer: the forward process made visible. Each data point x_0 is drawn at the
// panel's level as x_t = m x_0 + s z, with one z per point drawn once from the scene's display
// stream, so the cloud spreads (VE) or shrinks and spreads (VP) smoothly as the level moves.
// With "pairs", each x_t has an arrow back to m x_0: denoising score matching's regression target
// per pair, whose average over every x_0 that could have made x_t is the score ∇ log p_t(x_t).
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/layers/layer.h"
#include "app/view/camera.h"
#include "app/widgets/widgets.h"
#include "core/scene/streams.h"

namespace scorelab::layers {

namespace {

class NoisedLayer final : public Layer {
 public:
  std::string_view label() const override { return "noised data (x_t = m x_0 + s z)"; }
  int key() const override { return 0; }
  bool on(const LayersConfig& l) const override { return l.noised.on; }
  void set_on(LayersConfig& l, bool on) const override { l.noised.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::slider("size##noised", l.noised.point_size, 1, 20, "%.1f");
    changed |= ui::slider("opacity##noised", l.noised.opacity, 0, 1, "%.2f");
    changed |= ImGui::Checkbox("arrows back to x0 (DSM targets)##noised", &l.noised.pairs);
    return changed;
  }

  // The pairs: a line from x_t to m x_0 with a head at m x_0, in cyan (the score arrows are
  // yellow to orange, the noisy copies orange).
  void overlay(ImDrawList* dl, const PanelFrame& f) const override {
    const auto& cfg = f.layers().noised;
    const Points& x0 = f.ctx.data_points();
    if (!cfg.pairs || z_.cols() != x0.cols()) return;
    const NoiseLevel& level = f.inputs.level;
    const ImU32 colour = IM_COL32(110, 225, 255, 220);
    const float width = 1.5f * f.line_scale, head = 6.0f * f.line_scale;
    const Index n = std::min<Index>(x0.cols(), kMaxNoisedPairs);
    for (Index i = 0; i < n; ++i) {
      const double mx = level.m * x0(0, i), my = level.m * x0(1, i);
      const Eigen::Vector2f a =
          view::to_pixels(f.world, f.rect, mx + level.s * z_(0, i), my + level.s * z_(1, i));
      const Eigen::Vector2f b = view::to_pixels(f.world, f.rect, mx, my);
      const Eigen::Vector2f d = b - a;
      const float len = d.norm();
      if (!(len > head)) continue;  // shorter than its head: the copy sits on its point
      const Eigen::Vector2f u = d / len, w(-u.y(), u.x());
      const Eigen::Vector2f base = b - head * u;
      dl->AddLine(ImVec2(a.x(), a.y()), ImVec2(base.x(), base.y()), colour, width);
      dl->AddTriangleFilled(ImVec2(b.x(), b.y()),
                            ImVec2(base.x() + 0.5f * head * w.x(), base.y() + 0.5f * head * w.y()),
                            ImVec2(base.x() - 0.5f * head * w.x(), base.y() - 0.5f * head * w.y()),
                            colour);
    }
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const Points& x0 = f.ctx.data_points();
    // One z per point, redrawn only when the data (or its seed) changes.
    if (f.ctx.data_revision() != z_revision_) {
      Rng rng = scene_streams(f.ctx.scene().seed).display;
      z_.resize(2, x0.cols());
      rng.fill_normal(z_);
      z_revision_ = f.ctx.data_revision();
    }
    Gpu& g = gpu_[f.panel];
    if (!g.made) {
      render::Painter::make_point_layout(g.vao, g.points);
      g.made = true;
    }
    const NoiseLevel& level = f.inputs.level;
    if (g.revision != z_revision_ || g.m != level.m || g.s != level.s) {
      xt_ = float(level.m) * x0 + float(level.s) * z_;
      g.points.upload(xt_.data(), sizeof(float) * xt_.size());
      g.count = static_cast<GLsizei>(xt_.cols());
      g.revision = z_revision_;
      g.m = level.m;
      g.s = level.s;
    }
    const auto& cfg = f.layers().noised;
    // Warm orange: apart from the white clean data and the pink / cyan particles.
    painter.points(g.vao, g.count, float(cfg.point_size) * painter.pixel_scale(),
                   {1.0f, 0.75f, 0.3f, float(cfg.opacity)});
  }

 private:
  struct Gpu {
    render::VertexArray vao;
    render::Buffer points;
    bool made = false;
    long revision = -1;
    double m = -1, s = -1;
    GLsizei count = 0;
  };
  PerPanel<Gpu> gpu_;
  Points z_, xt_;  // 2 × n: the fixed noise and this panel's noised points
  long z_revision_ = -1;
};

}  // namespace

std::unique_ptr<Layer> make_noised_layer() { return std::make_unique<NoisedLayer>(); }

}  // namespace scorelab::layers
