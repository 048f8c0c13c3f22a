// The objective layer: an inset chart of how the continuous-time objective weighs each t (the
// blog's E_t[λ(t) E‖s_θ(x_t, t) − ∇ log p_0t(x_t | x_0)‖²]). Three curves over t, on a log
// scale: the mean square of the denoising target, E‖∇ log p_0t‖² = E‖z / s‖² = 2 / s(t)² in 2-D;
// λ(t) exactly as the trainer weighs a sample (core/train/objective.h Objective::weight, from the
// scene's train block: s², g², balanced, or 1 on clean data); and their product, the size of the
// weighted target, flat for λ = s² (the blog's choice λ ∝ 1 / E‖∇ log p_0t‖²). A vertical line
// marks the panel's t. The chart sits where it hides the fewest data points and particles, clear
// of the right edge's column (the legends').
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/layers/layer.h"
#include "app/layers/panel_overlay.h"
#include "app/view/placement.h"
#include "app/widgets/widgets.h"
#include "core/noise/sde.h"
#include "core/train/objective.h"

namespace scorelab::layers {

namespace {

constexpr int kSamples = 120;  // points per curve

class ObjectiveLayer final : public Layer {
 public:
  std::string_view label() const override { return "objective weighting (inset)"; }
  int key() const override { return -1; }
  bool on(const LayersConfig& l) const override { return l.objective.on; }
  void set_on(LayersConfig& l, bool on) const override { l.objective.on = on; }

  void overlay(ImDrawList* dl, const PanelFrame& f) const override {
    const Scene& s = f.ctx.scene();
    const app::PanelView& pv = f.ctx.panel(f.panel);
    if (pv.own_sde) return;  // panels across SDEs: the trainer knows only noise.sde
    const TrainConfig cfg = s.train_config();
    const Sde sde(cfg.sde);
    const Objective objective(cfg.objective, sde, cfg.schedule, cfg.model.sigma_data);
    const bool continuous = cfg.objective.levels == LevelSource::Continuous;

    // The curves, log10, over t in [t0, 1].
    const double t0 = continuous ? cfg.objective.eps : 1e-3;
    std::array<std::vector<double>, 3> y;  // target, λ, product
    double lo = 1e300, hi = -1e300;
    for (int i = 0; i < kSamples; ++i) {
      const double t = t0 + (Sde::T - t0) * i / (kSamples - 1);
      const NoiseLevel lv = sde.level(t);
      const double target = 2.0 / (lv.s * lv.s), lambda = objective.weight_at(t);
      const double v[3] = {std::log10(target), std::log10(lambda), std::log10(target * lambda)};
      for (int c = 0; c < 3; ++c) {
        y[std::size_t(c)].push_back(v[c]);
        if (std::isfinite(v[c])) lo = std::min(lo, v[c]), hi = std::max(hi, v[c]);
      }
    }
    if (!(lo < hi)) hi = lo + 1;
    lo = std::floor(lo), hi = std::ceil(hi);

    // The box: title, plot, three key lines.
    const float lh = ImGui::GetTextLineHeight();
    const std::string title =
        "training weight over t: " + objective.weight_formula() +
        (continuous ? (cfg.objective.distribution == LevelDistribution::UniformT
                           ? ", t ~ U(eps, 1)"
                           : ", log sigma-hat uniform")
                    : ", discrete levels (curve: their SDE)");
    const view::PixelRect& r = f.rect;
    const float w = std::clamp(0.3f * r.w, 14 * lh, 24 * lh);
    const float wrap = w - 0.8f * lh;
    const float title_h = lh * float(ui::wrap_at_spaces(title, wrap).size());
    const float plot_h = std::clamp(0.28f * r.h, 4 * lh, 9 * lh);
    const float h = title_h + plot_h + 4.6f * lh;
    const float left = r.x + 3 * lh, top = r.y + 3.5f * lh;
    // Clear of the right edge's column, where the legends stack (panel_overlay.cpp).
    const float right = std::max(left, r.x + r.w - w - 10 * lh), bottom = r.y + r.h - 3 * lh - h;
    const std::vector<Eigen::Vector2f> points = visible_points_px(f);
    const Eigen::Vector2f at =
        view::least_covered_spot(left, top, right, std::max(top, bottom), w, h, points);
    const float x0 = at.x(), y0 = at.y();
    report_box(f, "objective inset", x0, y0, x0 + w, y0 + h);
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + w, y0 + h), IM_COL32(0, 0, 0, 170), 4);
    ui::outlined_text(dl, ImVec2(x0 + 0.4f * lh, y0 + 0.2f * lh), title.c_str(), IM_COL32_WHITE,
                      wrap);

    // The plot: t along x, log10 along y, decade labels at its ends.
    const float px0 = x0 + 2.6f * lh, px1 = x0 + w - 0.6f * lh;
    const float py0 = y0 + title_h + 0.5f * lh, py1 = py0 + plot_h;
    const auto X = [&](double t) { return px0 + float((t - t0) / (Sde::T - t0)) * (px1 - px0); };
    const auto Y = [&](double v) { return py1 - float((v - lo) / (hi - lo)) * (py1 - py0); };
    dl->AddRect(ImVec2(px0, py0), ImVec2(px1, py1), IM_COL32(160, 160, 160, 200));
    char label[32];
    std::snprintf(label, sizeof label, "1e%d", int(hi));
    dl->AddText(ImVec2(x0 + 0.3f * lh, py0 - 0.3f * lh), IM_COL32(220, 220, 220, 255), label);
    std::snprintf(label, sizeof label, "1e%d", int(lo));
    dl->AddText(ImVec2(x0 + 0.3f * lh, py1 - 0.7f * lh), IM_COL32(220, 220, 220, 255), label);
    dl->AddText(ImVec2(px0, py1 + 0.05f * lh), IM_COL32(220, 220, 220, 255), "t 0");
    dl->AddText(ImVec2(px1 - ImGui::CalcTextSize("1").x, py1 + 0.05f * lh),
                IM_COL32(220, 220, 220, 255), "1");
    const ImU32 colours[3] = {IM_COL32(255, 150, 60, 255), IM_COL32(90, 200, 255, 255),
                              IM_COL32(255, 255, 255, 255)};
    const float thick = std::max(1.5f, 0.12f * lh);
    for (int c = 0; c < 3; ++c) {
      std::vector<ImVec2> line;
      for (int i = 0; i < kSamples; ++i) {
        const double v = y[std::size_t(c)][std::size_t(i)];
        if (!std::isfinite(v)) continue;
        line.emplace_back(X(t0 + (Sde::T - t0) * i / (kSamples - 1)), Y(v));
      }
      dl->AddPolyline(line.data(), int(line.size()), colours[c], 0, thick);
    }
    // The panel's t.
    if (pv.level.t >= t0 && pv.level.t <= Sde::T)
      dl->AddLine(ImVec2(X(pv.level.t), py0), ImVec2(X(pv.level.t), py1),
                  IM_COL32(255, 230, 80, 220), thick);

    // The key.
    const char* names[3] = {"E|target|^2 = 2 / s(t)^2", "lambda(t)", "lambda(t) x E|target|^2"};
    float ky = py1 + 1.1f * lh;
    for (int c = 0; c < 3; ++c) {
      dl->AddLine(ImVec2(x0 + 0.6f * lh, ky + 0.5f * lh), ImVec2(x0 + 2.2f * lh, ky + 0.5f * lh),
                  colours[c], 2 * thick);
      ui::outlined_text(dl, ImVec2(x0 + 2.6f * lh, ky), names[c], IM_COL32_WHITE);
      ky += lh;
    }
  }
};

}  // namespace

std::unique_ptr<Layer> make_objective_layer() {
  return std::make_unique<ObjectiveLayer>();
}

}  // namespace scorelab::layers
