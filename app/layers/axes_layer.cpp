// The axes layer: grid lines at "nice" tick positions (GL) and their labels along the bottom and
// left edges (overlay text), from the same ticks.
#include <cmath>
#include <cstdio>

#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

class AxesLayer final : public Layer {
 public:
  std::string_view label() const override { return "axes & grid"; }
  int key() const override { return 9; }
  bool on(const LayersConfig& l) const override { return l.axes.on; }
  void set_on(LayersConfig& l, bool on) const override { l.axes.on = on; }
  bool widgets(LayersConfig& l) const override {
    return ImGui::Checkbox("grid lines", &l.axes.grid);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!f.layers().axes.grid) return;
    if (!gpu_) {
      gpu_ = std::make_unique<Gpu>();
      render::Painter::make_line_layout(gpu_->vao, gpu_->vertices);
    }
    const view::WorldRect& w = f.world;
    staging_.clear();
    const auto line = [&](double x0, double y0, double x1, double y1, float a) {
      staging_.insert(staging_.end(), {float(x0), float(y0), 1.0f, 1.0f, 1.0f, a});
      staging_.insert(staging_.end(), {float(x1), float(y1), 1.0f, 1.0f, 1.0f, a});
    };
    // The axes through 0 a little brighter than the other lines.
    const double step = view::tick_step(w.y0(), w.y1(), 8);
    for (double x = std::ceil(w.x0() / step) * step; x <= w.x1(); x += step)
      line(x, w.y0(), x, w.y1(), std::abs(x) < 0.5 * step ? 0.35f : 0.12f);
    for (double y = std::ceil(w.y0() / step) * step; y <= w.y1(); y += step)
      line(w.x0(), y, w.x1(), y, std::abs(y) < 0.5 * step ? 0.35f : 0.12f);
    gpu_->vertices.upload(staging_.data(), sizeof(float) * staging_.size());
    painter.lines(gpu_->vao, static_cast<GLsizei>(staging_.size() / 6));
  }

  void overlay(ImDrawList* dl, const PanelFrame& f) const override {
    const view::WorldRect& w = f.world;
    const view::PixelRect& rect = f.rect;
    const float lh = ImGui::GetTextLineHeight();
    const double step = view::tick_step(w.y0(), w.y1(), 8);
    char text[32];
    const auto label = [&](double value) {
      std::snprintf(text, sizeof text, "%g", std::abs(value) < 1e-9 * step ? 0.0 : value);
      return text;
    };
    for (double x = std::ceil(w.x0() / step) * step; x <= w.x1(); x += step) {
      const Eigen::Vector2f p = view::to_pixels(w, rect, x, w.y0());
      if (p.x() < rect.x + 3 * lh) continue;  // the corner belongs to the y labels
      ui::outlined_text(dl, ImVec2(p.x() + 3, rect.y + rect.h - lh - 2), label(x),
                        IM_COL32(220, 220, 220, 255));
    }
    for (double y = std::ceil(w.y0() / step) * step; y <= w.y1(); y += step) {
      const Eigen::Vector2f p = view::to_pixels(w, rect, w.x0(), y);
      ui::outlined_text(dl, ImVec2(rect.x + 3, p.y() - lh), label(y),
                        IM_COL32(220, 220, 220, 255));
    }
  }

 private:
  struct Gpu {
    render::VertexArray vao;
    render::Buffer vertices;
  };
  std::unique_ptr<Gpu> gpu_;
  std::vector<float> staging_;
};

}  // namespace

std::unique_ptr<Layer> make_axes_layer() { return std::make_unique<AxesLayer>(); }

}  // namespace scorelab::layers
