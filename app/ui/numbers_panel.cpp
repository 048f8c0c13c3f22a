// The Numbers section (see numbers_panel.h), drawn with ImGui's draw list into the side panel.
#include "app/ui/numbers_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

namespace scorelab::ui {

namespace {

constexpr ImU32 kBackground = IM_COL32(30, 30, 38, 255);
constexpr ImU32 kParticles = IM_COL32(255, 115, 180, 255);  // the particles' pink
constexpr ImU32 kExact = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kLabel = IM_COL32(230, 230, 230, 255);

float ui_scale() {
  return ImGui::GetIO().FontGlobalScale;
}

// A box `height` (before UI scale) across the panel; returns its top-left corner and width.
ImVec2 reserve(const char* id, float height, float* width) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  *width = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton(id, ImVec2(*width, height * ui_scale()));
  ImGui::GetWindowDrawList()->AddRectFilled(p0, ImVec2(p0.x + *width, p0.y + height * ui_scale()),
                                            kBackground);
  return p0;
}

// One column per component: the particles' fraction filled, the true weight as a white outline.
void mode_bars(const std::vector<double>& truth, const std::vector<double>& particles) {
  ImGui::TextUnformatted("particles per mode (fill) vs true weight (outline)");
  float w;
  const float h = 90 * ui_scale();
  const ImVec2 p0 = reserve("mode_bars", 90, &w);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const std::size_t K = truth.size();
  double top = 0;
  for (std::size_t k = 0; k < K; ++k) top = std::max({top, truth[k], particles[k]});
  top = std::max(top * 1.1, 1e-9);
  const float col = w / float(K), pad = std::min(col * 0.15f, 6 * ui_scale());
  const float base = p0.y + h - 2;
  for (std::size_t k = 0; k < K; ++k) {
    const float x0 = p0.x + col * float(k) + pad, x1 = p0.x + col * float(k + 1) - pad;
    const auto y = [&](double v) { return base - float(v / top) * (h - 6); };
    dl->AddRectFilled(ImVec2(x0, y(particles[k])), ImVec2(x1, base), kParticles);
    dl->AddRect(ImVec2(x0, y(truth[k])), ImVec2(x1, base), kExact, 0, 0, 2 * ui_scale());
  }
}

// The histogram of the particles (bars) and the exact marginal (white line) over the same bins.
void strip_plot(const app::Reading& r) {
  const app::MarginalStrip& s = r.strip;
  float w;
  const float h = 90 * ui_scale();
  const ImVec2 p0 = reserve("marginal_strip", 90, &w);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int bins = int(s.particles.size());
  if (bins == 0) return;
  double top = 1e-12;
  for (int b = 0; b < bins; ++b) top = std::max({top, s.particles[b], s.exact[b]});
  top *= 1.1;
  const float bw = (w - 4) / float(bins), base = p0.y + h - 2;
  const auto y = [&](double v) { return base - float(v / top) * (h - 6); };
  for (int b = 0; b < bins; ++b) {
    const float x0 = p0.x + 2 + bw * float(b);
    if (s.particles[b] > 0)
      dl->AddRectFilled(ImVec2(x0, y(s.particles[b])), ImVec2(x0 + bw - 1, base), kParticles);
  }
  std::vector<ImVec2> line;
  for (int b = 0; b < bins; ++b)
    line.push_back(ImVec2(p0.x + 2 + bw * (float(b) + 0.5f), y(s.exact[b])));
  dl->AddPolyline(line.data(), int(line.size()), kExact, 0, 2 * ui_scale());
  char text[64];
  std::snprintf(text, sizeof text, "%.3g", s.lo);
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), kLabel, text);
  std::snprintf(text, sizeof text, "%.3g", s.hi);
  dl->AddText(ImVec2(p0.x + w - 4 - ImGui::CalcTextSize(text).x, p0.y + 2), kLabel, text);
}

// A dial: the strip's direction as an arrow; dragging on it points the arrow at the mouse.
bool direction_dial(double& angle) {
  const float r = 14 * ui_scale();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("direction_dial", ImVec2(2 * r, 2 * r));
  const ImVec2 c(p0.x + r, p0.y + r);
  bool changed = false;
  if (ImGui::IsItemActive()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const double dx = m.x - c.x, dy = c.y - m.y;  // screen y grows downwards
    if (dx * dx + dy * dy > 4) {
      angle = std::round(std::atan2(dy, dx) * 180 / std::numbers::pi);
      changed = true;
    }
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("drag to point the strip's direction");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCircle(c, r - 1, IM_COL32(160, 160, 170, 255), 24, 1.5f);
  const double rad = angle * std::numbers::pi / 180;
  dl->AddLine(c, ImVec2(c.x + float(std::cos(rad)) * (r - 3), c.y - float(std::sin(rad)) * (r - 3)),
              kExact, 2.5f);
  return changed;
}

}  // namespace

bool numbers_section(const app::LiveNumbers& numbers, Scene& s) {
  bool changed = false;
  const std::optional<app::Reading>& r = numbers.reading();
  if (!r) {
    ImGui::TextDisabled(numbers.measuring() ? "measuring..." : "no particles to measure");
    return false;
  }
  if (r->total_steps > 0)
    ImGui::Text("at step %d / %d   t %.3f  sigma %.3g", r->step, r->total_steps, r->level.t,
                r->level.s);
  else
    ImGui::Text("at step %d   t %.3f  sigma %.3g", r->step, r->level.t, r->level.s);

  if (numbers.has_modes() && r->fractions.size() == numbers.true_weights().size())
    mode_bars(numbers.true_weights(), r->fractions);
  else
    ImGui::TextDisabled("no mode weights for this data");

  // The strip: direction controls, then the plot.
  const double angle = s.ui.marginal_angle;
  const char* along = angle == 0 ? "x" : angle == 90 ? "y" : nullptr;
  if (along)
    ImGui::Text("marginal along %s", along);
  else
    ImGui::Text("marginal along %.0f deg", angle);
  ImGui::SameLine();
  if (ImGui::SmallButton("x")) {
    s.ui.marginal_angle = 0;
    changed = true;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("y")) {
    s.ui.marginal_angle = 90;
    changed = true;
  }
  ImGui::SameLine();
  changed |= direction_dial(s.ui.marginal_angle);
  strip_plot(*r);
  const app::LevelTarget* target = numbers.target();
  const bool conditional = target && target->conditional;
  ImGui::TextDisabled(conditional ? "bars: particles   line: exact conditional"
                                  : "bars: particles   line: exact");
  if (r->strip.outside > 0)
    ImGui::TextDisabled("%ld particles beyond the strip", long(r->strip.outside));

  const app::EnergyNumbers& e = r->energy;
  if (e.n >= 2) {
    ImGui::Text(
        conditional ? "energy distance %.3g to the exact conditional" : "energy distance %.3g",
        e.energy);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%ld particles against %ld fresh exact samples of the %s at the level",
                        long(e.n), long(e.n), conditional ? "exact conditional" : "data");
    ImGui::TextDisabled("exact vs exact: %.3g typical, %.3g at 95%%", e.null_median, e.null_p95);
    if (!numbers.has_modes())
      ImGui::TextDisabled("exact: the shown data points, noised to the level");
  }
  if (r->sharpening) {
    // The particles follow the particle source's score plus the guidance (its words as the
    // panel titles give them).
    const Sharpening& h = *r->sharpening;
    const Conditioning* c = sampler_condition(s.sampler);
    const bool learned = s.ui.particle_source == FieldSource::Learned;
    ImGui::Text("class %d spread %.3g x exact conditional", r->guided_class, h.ratio);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "E|x - mean|^2 of the particles (%.3g) over that of the exact class %d conditional at "
          "the level (%.3g); their mean is %.3g from the class mean",
          h.spread, r->guided_class, h.exact_spread, h.offset);
    ImGui::TextDisabled("(1: the conditional; < 1: sharper)");
    if (c) {
      const std::string who = "particles: " + std::string(label_of(s.ui.particle_source)) +
                              " + " + guidance_words(*c, learned);
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", who.c_str());
      ImGui::PopStyleColor();
    }
  }
  return changed;
}

}  // namespace scorelab::ui
