// The quality readout (see quality_panel.h): two small charts drawn with the window's draw list, as
// the loss plot is, and one line for the energy test.
#include "app/ui/quality_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace scorelab::ui {

namespace {

constexpr ImU32 kPlotBg = IM_COL32(30, 30, 38, 255);
constexpr ImU32 kGrid = IM_COL32(70, 70, 85, 255);
constexpr ImU32 kText = IM_COL32(200, 200, 200, 255);
constexpr ImU32 kBar = IM_COL32(90, 150, 255, 220);

// A noise level as a short axis label: 0.01, 0.026, 0.48, 3.4, 152.
std::string sigma_label(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, v >= 10 ? "%.0f" : v >= 1 ? "%.1f" : "%.2g", v);
  return buf;
}

// Relative squared error per band, bars on a log axis from 0.1 % to 100 % (smaller values are
// drawn at the bottom; larger ones, worse than a zero score, at the top with a red cap), one σ̂
// label under each bar.
void score_error_chart(const QualityReport& q) {
  const float fs = ImGui::GetFontSize();
  const float w = ImGui::GetContentRegionAvail().x, h = 8.5f * fs;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("score_error_chart", ImVec2(w, h));
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), kPlotBg);
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), kText, "score error |s_learned - s|^2 / |s|^2 by sigma");

  constexpr double kLo = -3, kHi = 0;  // log10 of the axis ends
  const float left = p0.x + ImGui::CalcTextSize("100%").x + 8, right = p0.x + w - 4;
  const float top = p0.y + fs + 6, bottom = p0.y + h - fs - 4;
  const auto y_of = [&](double v) {
    const double u = (std::log10(std::max(v, 1e-30)) - kLo) / (kHi - kLo);
    return bottom - float(std::clamp(u, 0.0, 1.0)) * (bottom - top);
  };
  for (int e = int(kLo); e <= int(kHi); ++e) {
    const float y = y_of(std::pow(10.0, e));
    dl->AddLine(ImVec2(left, y), ImVec2(right, y), kGrid);
    char label[16];
    std::snprintf(label, sizeof label, "%g%%", 100 * std::pow(10.0, e));
    dl->AddText(ImVec2(p0.x + 4, y - fs / 2), kText, label);
  }

  const int K = int(q.rel_error.size());
  const float bw = (right - left) / float(std::max(K, 1));
  int hovered = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int k = 0; k < K; ++k) {
    const float x0 = left + float(k) * bw, x1 = x0 + bw;
    const double v = q.rel_error[std::size_t(k)];
    if (std::isfinite(v)) dl->AddRectFilled(ImVec2(x0 + 2, y_of(v)), ImVec2(x1 - 2, bottom), kBar);
    if (!(v <= 1))
      dl->AddRectFilled(ImVec2(x0 + 2, top - 3), ImVec2(x1 - 2, top), IM_COL32(255, 90, 80, 255));
    const NoiseLevel& lv = q.levels[std::size_t(k)];
    const std::string label = sigma_label(lv.s / lv.m);
    const float tw = ImGui::CalcTextSize(label.c_str()).x;
    dl->AddText(ImVec2(0.5f * (x0 + x1) - 0.5f * tw, bottom + 2), kText, label.c_str());
    if (ImGui::IsItemHovered() && mouse.x >= x0 && mouse.x < x1) hovered = k;
  }
  if (hovered >= 0) {
    const NoiseLevel& lv = q.levels[std::size_t(hovered)];
    ImGui::SetTooltip("noise sigma = s/m = %.3g (t = %.3f)\nrelative squared error %.3g %%",
                      lv.s / lv.m, lv.t, 100 * q.rel_error[std::size_t(hovered)]);
  }
}

// Fraction of the learned samples nearest each mixture component (bars) against the component's
// true weight (white lines).
void mode_weights_chart(const QualityReport& q, const GaussianMixture& mixture) {
  const auto& comps = mixture.components();
  const std::size_t K = std::min(comps.size(), q.weights_learned.size());
  const float fs = ImGui::GetFontSize();
  const float w = ImGui::GetContentRegionAvail().x, h = 5.0f * fs;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("mode_weights_chart", ImVec2(w, h));
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), kPlotBg);
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), kText, "mode weights: bars learned, lines true");
  double top_w = 0;
  for (std::size_t k = 0; k < K; ++k)
    top_w = std::max({top_w, q.weights_learned[k], comps[k].weight});
  top_w = std::max(top_w * 1.1, 1e-9);
  const float left = p0.x + 4, right = p0.x + w - 4, top = p0.y + fs + 6, bottom = p0.y + h - 3;
  const float bw = (right - left) / float(std::max<std::size_t>(K, 1));
  const auto y_of = [&](double v) { return bottom - float(v / top_w) * (bottom - top); };
  int hovered = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t k = 0; k < K; ++k) {
    const float x0 = left + float(k) * bw, x1 = x0 + bw, pad = std::min(2.0f, 0.15f * bw);
    dl->AddRectFilled(ImVec2(x0 + pad, y_of(q.weights_learned[k])), ImVec2(x1 - pad, bottom), kBar);
    const float yt = y_of(comps[k].weight);
    dl->AddLine(ImVec2(x0 + pad, yt), ImVec2(x1 - pad, yt), IM_COL32(255, 255, 255, 255), 2.0f);
    if (ImGui::IsItemHovered() && mouse.x >= x0 && mouse.x < x1) hovered = int(k);
  }
  if (hovered >= 0) {
    const std::size_t k = std::size_t(hovered);
    ImGui::SetTooltip("mode %d: learned samples %.3f, true weight %.3f, exact samples %.3f",
                      hovered + 1, q.weights_learned[k], comps[k].weight,
                      k < q.weights_exact.size() ? q.weights_exact[k] : 0.0);
  }
}

}  // namespace

void quality_readout(const app::AppContext& ctx, std::vector<app::Command>& commands) {
  commands.push_back(app::Command::ShowQuality);  // measured only while this readout shows
  const app::QualityMeter& meter = ctx.quality();

  const app::QualityReading* r = meter.reading();
  if (!r) {
    ImGui::TextDisabled("Quality: %s", meter.note().c_str());
    return;
  }
  const QualityReport& q = r->report;
  const app::QualityMeterSettings& set = meter.settings();
  ImGui::Text("Quality, measured at step %ld (%s weights)%s", r->step, r->ema ? "EMA" : "raw",
              meter.measuring() ? "  updating..." : "");
  score_error_chart(q);
  if (r->target->band_floor > 0) {
    const auto* name = std::get_if<std::string>(&ctx.scene().data.source);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped(
        "bands start at sigma %.2g: below it the exact score is that of %d drawn "
        "points, not of %s",
        r->target->band_floor, ctx.scene().data.points, name ? name->c_str() : "the data");
    ImGui::PopStyleColor();
  }
  ImGui::TextDisabled("%lld samples by reverse SDE (%d steps) vs exact:",
                      static_cast<long long>(set.options.particles), set.sde_steps);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Euler-Maruyama on the scene's SDE with the learned score, final denoising "
        "step;\na fixed sampler, so the test is about the model, not the Sampler "
        "panel's settings.");
  if (!q.samples_finite) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "samples diverged (not finite): fail");
  } else {
    const bool pass = q.energy_ratio <= 1;
    ImGui::Text("energy distance %.3g (exact vs exact p95 %.3g)", q.energy, q.energy_p95);
    ImGui::TextColored(pass ? ImVec4(0.45f, 0.9f, 0.5f, 1) : ImVec4(1, 0.45f, 0.4f, 1),
                       "ratio %.2f, %s", q.energy_ratio, pass ? "pass" : "fail");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "The energy distance of two exact samples of the same size is below the "
          "p95 95 times in 100:\nratio <= 1 passes, and exact samples fail 1 time "
          "in 20.");
  }
  if (r->target->mixture && !q.weights_learned.empty()) mode_weights_chart(q, *r->target->mixture);
}

}  // namespace scorelab::ui
