// The scripted UI report (`--ui-report FILE`, tests only): collects the labelled ImGui items of one
// frame (app/widgets/item_report.h) with the window's size, font size and missing glyphs, and
// writes them as JSON.
#pragma once
#include <string>

#include "app/widgets/item_report.h"

namespace scorelab::window {

class UiReport {
 public:
  // Before ImGui::NewFrame: starts an empty report and, when `collect`, has the widgets drawn this
  // frame record themselves into it (through ImGui's io.UserData).
  void begin(bool collect);
  // After ImGui::Render of a collecting frame: adds the window's size (`display_w` × `display_h`,
  // window pixels), the plot area `plot` (x0, y0, x1, y1), the font size and the glyphs the font
  // lacks, writes the JSON to `path` and stops collecting.
  void write(const std::string& path, float display_w, float display_h, const float (&plot)[4]);

 private:
  ui::ItemReport report_;
};

}  // namespace scorelab::window
