// The caption, legends, layer overlays and editing marks over a plot panel (see plot_overlay.h).
#include "app/layers/panel_overlay.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "app/layers/widgets.h"
#include "app/render/colormap.h"
#include "core/scene/exact_score.h"

namespace scorelab::layers {

namespace {

ImU32 color_of(Colormap map, float t, int alpha = 255) {
  const auto c = render::colormap_rgb(map, t);
  return IM_COL32(int(c[0] * 255), int(c[1] * 255), int(c[2] * 255), alpha);
}

// A vertical colour bar `h` pixels long with its title and end labels, its top-right corner at
// (x1, y0); it takes h + lh + 2 pad pixels in all.
void colour_bar(ImDrawList* dl, float x1, float y0, const Legend& l, float scale, float h) {
  const float w = 14 * scale, pad = 6 * scale;
  const float lh = ImGui::GetTextLineHeight();
  char lo_text[32], hi_text[32];
  std::snprintf(lo_text, sizeof lo_text, l.format, l.lo);
  std::snprintf(hi_text, sizeof hi_text, l.format, l.hi);
  const float label_w =
      std::max({ImGui::CalcTextSize(lo_text).x, ImGui::CalcTextSize(hi_text).x,
                ImGui::CalcTextSize(l.title.c_str()).x - w - pad});
  const float x0 = x1 - w - label_w - 3 * pad;
  dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y0 + h + lh + 2 * pad), IM_COL32(0, 0, 0, 150), 4);
  ui::outlined_text(dl, ImVec2(x0 + pad, y0 + pad * 0.5f), l.title.c_str());
  const float bx = x0 + pad, by = y0 + lh + pad;
  const int steps = 32;
  for (int i = 0; i < steps; ++i) {
    const float a = float(i) / steps, b = float(i + 1) / steps;
    dl->AddRectFilled(ImVec2(bx, by + (1 - b) * h), ImVec2(bx + w, by + (1 - a) * h + 1),
                      color_of(l.map, 0.5f * (a + b)));
  }
  dl->AddText(ImVec2(bx + w + pad, by - 2), IM_COL32_WHITE, hi_text);
  dl->AddText(ImVec2(bx + w + pad, by + h - lh + 2), IM_COL32_WHITE, lo_text);
}

}  // namespace

void panel_overlay(const LayerTable& table, const PanelFrame& f, const OverlayOptions& options,
                   const EditingMarks& marks) {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const Scene& s = f.ctx.scene();
  const view::PixelRect& rect = f.rect;
  dl->PushClipRect(ImVec2(rect.x, rect.y), ImVec2(rect.x + rect.w, rect.y + rect.h), true);
  const float lh = ImGui::GetTextLineHeight();

  std::vector<Legend> legends;
  for (const auto& layer : table.all()) {
    if (!layer->on(s.layers)) continue;
    layer->overlay(dl, f);
    if (options.legend)
      if (auto l = layer->legend(f)) legends.push_back(std::move(*l));
  }

  // Caption: the panel's source and level.
  const app::PanelView& pv = f.ctx.panel(f.panel);
  if (options.caption) {
    char caption[160];
    std::snprintf(caption, sizeof caption, "%s   t %.3f   sigma %.3g",
                  std::string(label_of(pv.source)).c_str(), pv.level.t, pv.level.s);
    ui::outlined_text(dl, ImVec2(rect.x + 3 * lh, rect.y + 6), caption);
    if (pv.source == FieldSource::Learned && !f.ctx.learned())
      ui::outlined_text(dl, ImVec2(rect.x + 3 * lh, rect.y + 6 + lh),
                    "waiting for the first trained snapshot", IM_COL32(255, 190, 90, 255));
  }

  // Legends at the top right, below the caption line. Bars are 140 pixels (× scale) long, shorter
  // when they would not all fit in the panel's height.
  const float gap = 20, top = 10 + lh;
  const float room = (rect.h - top) / float(std::max<std::size_t>(legends.size(), 1)) -
                     (lh + 12 * options.scale + gap);
  const float bar = std::max(std::min(140 * options.scale, room), 2 * lh);
  float y = rect.y + top;
  for (const Legend& l : legends) {
    colour_bar(dl, rect.x + rect.w - 6, y, l, options.scale, bar);
    y += bar + lh + 12 * options.scale + gap;
  }

  // Mixture centres (draggable; an editing aid, so not in plot-only mode) and the brush.
  const view::WorldRect& w = f.world;
  if (const auto comps = mixture_components(s.data); comps && marks.mixture_centres) {
    for (std::size_t k = 0; k < comps->size(); ++k) {
      const Eigen::Vector2f p =
          view::to_pixels(s.view, rect, (*comps)[k].mean.x(), (*comps)[k].mean.y());
      const bool active = int(k) == marks.dragging_component;
      dl->AddCircle(ImVec2(p.x(), p.y()), 7, active ? IM_COL32(255, 200, 80, 255) : IM_COL32_WHITE,
                    16, 2);
    }
  }
  if (marks.brush && ImGui::IsMousePosValid()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (rect.contains(m.x, m.y)) {
      const float r = float(marks.brush_radius / (2 * w.hh) * rect.h);
      dl->AddCircle(m, r, IM_COL32(255, 255, 255, 180), 32, 1.5f);
    }
  }
  dl->PopClipRect();
  // A thin separator between split panels.
  if (f.panel == 1)
    dl->AddLine(ImVec2(rect.x, rect.y), ImVec2(rect.x, rect.y + rect.h),
                IM_COL32(200, 200, 200, 255), 2);
}

}  // namespace scorelab::layers
