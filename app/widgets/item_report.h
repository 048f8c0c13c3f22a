// The test-only UI report (`--ui-report FILE`): the labelled ImGui items drawn in one frame, each
// with its rectangle, the size of its text and the rectangle of the window it is in, so a test can
// check that no label is cut off and every item is inside the window on screen. Widgets call
// report_item() right after they are drawn; it records only while a report is being collected
// (ImGui's io.UserData points at it), so normal runs pay one pointer test.
#pragma once
#include <string>
#include <vector>

namespace scorelab::ui {

struct ReportedItem {
  std::string text;           // the item's visible text (before any "##")
  float x0, y0, x1, y1;       // the item's rectangle (ImGui::GetItemRectMin/Max), window pixels
  float text_w, text_h;       // ImGui::CalcTextSize(text)
  float wx0, wy0, wx1, wy1;   // its window's rectangle
};

// A box drawn over a plot panel (a legend stack, an inset) and how many of the points a class
// reads (data, particles; layers::visible_points_px) it covers.
struct ReportedOverlay {
  std::string kind;  // "legends", "objective inset"
  int panel = 0;
  float x0, y0, x1, y1;         // window pixels
  int covered_data = 0;         // data points inside the box
  int covered_particles = 0;    // particles drawn in the panel inside the box
  int data = 0, particles = 0;  // of each, in the panel (at most ~2,000, by stride)
};

struct ItemReport {
  std::vector<ReportedItem> items;
  std::vector<ReportedOverlay> overlays;
  float display_w = 0, display_h = 0;  // the window (viewport) size
  float font_px = 0;                   // the font's size this frame
  float plot[4] = {0, 0, 0, 0};        // the plot area (all panels): x0, y0, x1, y1
  std::string missing_glyphs;          // of σ ε ∇ ∫ ₓ ₀ ₉ ≥, those the font lacks ("U+03C3 ...")
  // JSON: {"display": [w, h], "font_px": f, "plot": [x0, y0, x1, y1], "missing_glyphs": "...",
  // "items": [{"text", "rect": [x0, y0, x1, y1], "text_size": [w, h], "window_rect": [...]}, ...],
  // "overlays": [{"kind", "panel", "rect", "covered_data", "covered_particles", "data",
  // "particles"}, ...]}
  std::string json() const;
};

// Records the last item drawn (its label `text`, cut at "##") if a report is being collected.
void report_item(const char* text);
// Records a box drawn over a plot panel, if a report is being collected.
void report_overlay(ReportedOverlay box);

}  // namespace scorelab::ui
