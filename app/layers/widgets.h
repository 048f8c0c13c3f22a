// Small ImGui helpers shared by the layers, the side panel and the overlays: widgets over the
// scene's types (doubles, ints, table-driven enums) and outlined text.
#pragma once
#include <imgui.h>

#include <string>

#include "app/ui/item_report.h"
#include "core/common/enum_table.h"

namespace scorelab::ui {

inline bool slider(const char* label, double& v, double lo, double hi, const char* fmt = "%.3g",
                   bool log = false) {
  float f = static_cast<float>(v);
  const bool changed = ImGui::SliderFloat(label, &f, float(lo), float(hi), fmt,
                                          log ? ImGuiSliderFlags_Logarithmic : 0);
  report_item(label);
  if (changed) v = f;
  return changed;
}

inline bool slider(const char* label, int& v, int lo, int hi) {
  const bool changed = ImGui::SliderInt(label, &v, lo, hi);
  report_item(label);
  return changed;
}

inline bool checkbox(const char* label, bool& v) {
  const bool changed = ImGui::Checkbox(label, &v);
  report_item(label);
  return changed;
}

inline bool button(const char* label) {
  const bool pressed = ImGui::Button(label);
  report_item(label);
  return pressed;
}

// A combo box over every value of E, labelled from its table (core/common/enum_table.h).
template <TabledEnum E>
bool enum_combo(const char* label, E& value) {
  bool changed = false;
  const bool open = ImGui::BeginCombo(label, std::string(label_of(value)).c_str());
  report_item(label);
  if (open) {
    for (const EnumName<E>& n : enum_names<E>()) {
      if (ImGui::Selectable(std::string(n.label).c_str(), n.value == value) && n.value != value) {
        value = n.value;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

// Text with a dark outline so it reads on any heatmap colour.
inline void outlined_text(ImDrawList* dl, ImVec2 p, const char* text,
                          ImU32 color = IM_COL32_WHITE) {
  for (const ImVec2 d : {ImVec2(-1, 0), ImVec2(1, 0), ImVec2(0, -1), ImVec2(0, 1)})
    dl->AddText(ImVec2(p.x + d.x, p.y + d.y), IM_COL32(0, 0, 0, 200), text);
  dl->AddText(p, color, text);
}

}  // namespace scorelab::ui
