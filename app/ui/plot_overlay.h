// Text and marks over a plot panel, drawn with ImGui's background draw list (so panels stay on
// top): tick labels, the colour legends, mixture centres, the brush cursor, the panel's caption.
#pragma once
#include <imgui.h>

#include "app/state/app_context.h"
#include "app/ui/panels.h"
#include "app/view/camera.h"

namespace scorelab::ui {

// What an overlay draws besides tick labels (the axes layer) and, in the window, the editing
// marks; exports choose.
struct OverlayOptions {
  bool legend = true;   // the colour bars of the heatmap and the error map
  bool caption = true;  // the panel's source and level, top left
  float scale = 1;      // size of the legend bars (the font's size is the ImGui context's)
};

// Text with a dark outline so it reads on any heatmap colour.
void outlined_text(ImDrawList* dl, ImVec2 p, const char* text, ImU32 color = IM_COL32_WHITE);

void plot_overlay(const app::AppContext& ctx, const PanelState& st, int panel,
                  const view::PixelRect& rect, const OverlayOptions& options);

}  // namespace scorelab::ui
