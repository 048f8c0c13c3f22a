// Text and marks over a plot panel (window and exports), drawn with ImGui's background draw list (so panels stay on
// top): the caption, the layers' legends (stacked top right) and overlays (tick labels), and in
// the window the editing marks (mixture centres, the brush).
#pragma once
#include <imgui.h>

#include <Eigen/Core>
#include <vector>

#include "app/layers/layer_table.h"

namespace scorelab::layers {

// The window's editing aids drawn over the plot (none in exports).
struct EditingMarks {
  bool brush = false;            // the brush is on: its circle follows the mouse
  double brush_radius = 0;       // data units
  int dragging_component = -1;   // the mixture centre being dragged, or −1
  bool mixture_centres = false;  // rings at the mixture's centres (they can be dragged)
};

// What an overlay draws besides the layers' own overlays; exports choose.
struct OverlayOptions {
  bool legend = true;   // the layers' colour bars
  bool caption = true;  // the panel's source and level, top left
  float scale = 1;      // size of the legend bars (the font's size is the ImGui context's)
};

// The points a class reads in panel f, in overlay pixels: the data and, where drawn (and
// `particles`), the panel's particles (at most ~2,000 of each, by stride: a count only compares
// places). What legends and insets are placed to avoid (view::least_covered_spot).
std::vector<Eigen::Vector2f> visible_points_px(const PanelFrame& f, bool particles = true);

// For the test-only UI report (app/widgets/item_report.h): a box of `kind` drawn over panel f and
// how many data points and particles (visible_points_px) it covers.
void report_box(const PanelFrame& f, const char* kind, float x0, float y0, float x1, float y1);

void panel_overlay(const LayerTable& table, const PanelFrame& f, const OverlayOptions& options,
                   const EditingMarks& marks = {});

}  // namespace scorelab::layers
