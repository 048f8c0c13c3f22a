// Text and marks over a plot panel, drawn with ImGui's background draw list (so panels stay on
// top): the caption, the layers' legends (stacked top right) and overlays (tick labels), and in
// the window the editing marks (mixture centres, the brush).
#pragma once
#include <imgui.h>

#include "app/layers/layer_table.h"
#include "app/ui/panels.h"

namespace scorelab::ui {

// What an overlay draws besides the layers' own overlays; exports choose.
struct OverlayOptions {
  bool legend = true;   // the layers' colour bars
  bool caption = true;  // the panel's source and level, top left
  float scale = 1;      // size of the legend bars (the font's size is the ImGui context's)
};

void plot_overlay(const layers::LayerTable& table, const layers::PanelFrame& f,
                  const PanelState& st, const OverlayOptions& options);

}  // namespace scorelab::ui
