// Tick labels, legends and marks over a plot panel (see plot_overlay.h).
#include "app/ui/plot_overlay.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "app/render/colormap.h"
#include "app/ui/input.h"

namespace scorelab::ui {

namespace {

ImU32 color_of(Colormap map, float t, int alpha = 255) {
  const auto c = render::colormap_rgb(map, t);
  return IM_COL32(int(c[0] * 255), int(c[1] * 255), int(c[2] * 255), alpha);
}

// A vertical colour bar `h` pixels long with its title and end labels, its top-right corner at
// (x1, y0); it takes h + lh + 2 pad pixels in all.
void legend(ImDrawList* dl, float x1, float y0, Colormap map, const char* title, float lo, float hi,
            const char* fmt, float scale, float h) {
  const float w = 14 * scale, pad = 6 * scale;
  const float lh = ImGui::GetTextLineHeight();
  char lo_text[32], hi_text[32];
  std::snprintf(lo_text, sizeof lo_text, fmt, lo);
  std::snprintf(hi_text, sizeof hi_text, fmt, hi);
  const float label_w = std::max({ImGui::CalcTextSize(lo_text).x, ImGui::CalcTextSize(hi_text).x,
                                  ImGui::CalcTextSize(title).x - w - pad});
  const float x0 = x1 - w - label_w - 3 * pad;
  dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y0 + h + lh + 2 * pad), IM_COL32(0, 0, 0, 150), 4);
  outlined_text(dl, ImVec2(x0 + pad, y0 + pad * 0.5f), title);
  const float bx = x0 + pad, by = y0 + lh + pad;
  const int steps = 32;
  for (int i = 0; i < steps; ++i) {
    const float a = float(i) / steps, b = float(i + 1) / steps;
    dl->AddRectFilled(ImVec2(bx, by + (1 - b) * h), ImVec2(bx + w, by + (1 - a) * h + 1),
                      color_of(map, 0.5f * (a + b)));
  }
  dl->AddText(ImVec2(bx + w + pad, by - 2), IM_COL32_WHITE, hi_text);
  dl->AddText(ImVec2(bx + w + pad, by + h - lh + 2), IM_COL32_WHITE, lo_text);
}

}  // namespace

void outlined_text(ImDrawList* dl, ImVec2 p, const char* text, ImU32 color) {
  for (const ImVec2 d : {ImVec2(-1, 0), ImVec2(1, 0), ImVec2(0, -1), ImVec2(0, 1)})
    dl->AddText(ImVec2(p.x + d.x, p.y + d.y), IM_COL32(0, 0, 0, 200), text);
  dl->AddText(p, color, text);
}

void plot_overlay(const app::AppContext& ctx, const PanelState& st, int panel,
                  const view::PixelRect& rect, const OverlayOptions& options) {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const Scene& s = ctx.scene();
  const view::WorldRect w = view::world_rect(s.view, rect);
  dl->PushClipRect(ImVec2(rect.x, rect.y), ImVec2(rect.x + rect.w, rect.y + rect.h), true);
  const float lh = ImGui::GetTextLineHeight();

  // Tick labels along the bottom and left edges, at the grid lines' positions.
  if (s.layers.axes.on) {
    const double step = view::tick_step(w.y0(), w.y1(), 8);
    char text[32];
    const auto label = [&](double v) {
      std::snprintf(text, sizeof text, "%g", std::abs(v) < 1e-9 * step ? 0.0 : v);
      return text;
    };
    for (double x = std::ceil(w.x0() / step) * step; x <= w.x1(); x += step) {
      const Eigen::Vector2f p = view::to_pixels(s.view, rect, x, w.y0());
      if (p.x() < rect.x + 3 * lh) continue;  // the corner belongs to the y labels
      outlined_text(dl, ImVec2(p.x() + 3, rect.y + rect.h - lh - 2), label(x),
                    IM_COL32(220, 220, 220, 255));
    }
    for (double y = std::ceil(w.y0() / step) * step; y <= w.y1(); y += step) {
      const Eigen::Vector2f p = view::to_pixels(s.view, rect, w.x0(), y);
      outlined_text(dl, ImVec2(rect.x + 3, p.y() - lh), label(y), IM_COL32(220, 220, 220, 255));
    }
  }

  // Caption: the panel's source and level.
  const PanelConfig& pc = panel == 0 ? s.view.left : s.view.right;
  const NoiseLevel level = ctx.panel_level(panel);
  if (options.caption) {
    char caption[160];
    std::snprintf(caption, sizeof caption, "%s score   t %.3f   sigma %.3g",
                  pc.source == FieldSource::Exact ? "exact" : "learned", level.t, level.s);
    outlined_text(dl, ImVec2(rect.x + 3 * lh, rect.y + 6), caption);
    if (pc.source == FieldSource::Learned && !ctx.learned())
      outlined_text(dl, ImVec2(rect.x + 3 * lh, rect.y + 6 + lh),
                    "waiting for the first trained snapshot", IM_COL32(255, 190, 90, 255));
  }

  // Legends at the top right: density (log p), then the error map below it. Bars are 140 pixels
  // (× scale) long, shorter when both would not fit in the panel's height.
  const app::PanelFields& f = ctx.fields(panel);
  const bool density_legend =
      options.legend && s.layers.density.on && f.density.log_density.size() > 0;
  const bool error_legend = options.legend && s.layers.error.on && f.error_valid &&
                            (!s.view.split || pc.source == FieldSource::Learned);
  const float gap = 20, top = 10 + lh;  // below the caption line
  const int legends = int(density_legend) + int(error_legend);
  const float room = (rect.h - top) / float(std::max(legends, 1)) - (lh + 12 * options.scale + gap);
  const float bar = std::max(std::min(140 * options.scale, room), 2 * lh);
  float y = rect.y + top;
  if (density_legend) {
    legend(dl, rect.x + rect.w - 6, y, s.layers.density.colormap, "log p",
           app::density_floor(f.density.stats, s.layers.density), f.density.stats.max, "%.1f",
           options.scale, bar);
    y += bar + lh + 12 * options.scale + gap;
  }
  if (error_legend) {
    char title[64];
    std::snprintf(title, sizeof title, "p-weighted error (mean %.3g)", f.error.error.weighted_mean);
    legend(dl, rect.x + rect.w - 6, y, s.layers.error.colormap, title, 0.0f,
           f.error.stats.robust_max, "%.3g", options.scale, bar);
  }

  // Mixture centres (draggable; an editing aid, so not in plot-only mode) and the brush.
  if (const auto comps = mixture_components(s.data); comps && s.ui.show_panels && !st.brush) {
    for (std::size_t k = 0; k < comps->size(); ++k) {
      const Eigen::Vector2f p =
          view::to_pixels(s.view, rect, (*comps)[k].mean.x(), (*comps)[k].mean.y());
      const bool active = int(k) == st.dragging_component;
      dl->AddCircle(ImVec2(p.x(), p.y()), 7, active ? IM_COL32(255, 200, 80, 255) : IM_COL32_WHITE,
                    16, 2);
    }
  }
  if (st.brush && ImGui::IsMousePosValid()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (rect.contains(m.x, m.y)) {
      const float r = float(st.brush_radius / (2 * w.hh) * rect.h);
      dl->AddCircle(m, r, IM_COL32(255, 255, 255, 180), 32, 1.5f);
    }
  }
  dl->PopClipRect();
  // A thin separator between split panels.
  if (panel == 1)
    dl->AddLine(ImVec2(rect.x, rect.y), ImVec2(rect.x, rect.y + rect.h),
                IM_COL32(200, 200, 200, 255), 2);
}

}  // namespace scorelab::ui
