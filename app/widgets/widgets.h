// Small ImGui helpers shared by the layers, the side panel and the overlays: widgets over the
// scene's types (doubles, ints, table-driven enums) and outlined text.
#pragma once
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "app/widgets/imgui_param_editor.h"
#include "app/widgets/item_report.h"
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

// Before a combo box: widens it to show its value `preview` whole where the row has room beside
// its label (presenter mode's lecture font cut "annealed Langevin" to "annealed").
inline void fit_combo_width(const char* label, const char* preview) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float needed =
      ImGui::CalcTextSize(preview).x + 2 * style.FramePadding.x + ImGui::GetFrameHeight();
  const float room = ImGui::GetContentRegionAvail().x -
                     ImGui::CalcTextSize(label, nullptr, true).x - style.ItemInnerSpacing.x;
  const float now = ImGui::CalcItemWidth();
  if (now < needed && room > now) ImGui::SetNextItemWidth(std::min(needed, room));
}

inline bool button(const char* label) {
  const bool pressed = ImGui::Button(label);
  report_item(label);
  return pressed;
}

// A combo box over every value of E, labelled from its table (core/common/enum_table.h): the
// ParamEditor's choice, drawn with ImGui.
template <TabledEnum E>
bool enum_combo(const char* label, E& value) {
  ImGuiParamEditor editor;
  return editor.choice(label, value);
}

// The lines of `text` wrapped at `wrap_width` pixels, breaking only at spaces (ImGui's own wrap
// also breaks after '.', which would split a number such as 5.75), a word longer than the width
// on its own line.
inline std::vector<std::string> wrap_at_spaces(const std::string& text, float wrap_width) {
  std::vector<std::string> lines(1);
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t space = std::min(text.find(' ', from), text.size());
    const std::string word = text.substr(from, space - from);
    const std::string joined = lines.back().empty() ? word : lines.back() + " " + word;
    if (!lines.back().empty() && ImGui::CalcTextSize(joined.c_str()).x > wrap_width)
      lines.push_back(word);
    else
      lines.back() = joined;
    from = space + 1;
  }
  return lines;
}

// Text with a dark outline so it reads on any heatmap colour; wrapped at `wrap_width` pixels
// when > 0 (narrow panels, large fonts). Returns the height it took.
inline float outlined_text(ImDrawList* dl, ImVec2 p, const char* text,
                           ImU32 color = IM_COL32_WHITE, float wrap_width = 0) {
  const std::vector<std::string> lines =
      wrap_width > 0 ? wrap_at_spaces(text, wrap_width) : std::vector<std::string>{text};
  const float lh = ImGui::GetTextLineHeight();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const ImVec2 q(p.x, p.y + float(i) * lh);
    for (const ImVec2 d : {ImVec2(-1, 0), ImVec2(1, 0), ImVec2(0, -1), ImVec2(0, 1)})
      dl->AddText(ImVec2(q.x + d.x, q.y + d.y), IM_COL32(0, 0, 0, 200), lines[i].c_str());
    dl->AddText(q, color, lines[i].c_str());
  }
  return float(lines.size()) * lh;
}

}  // namespace scorelab::ui
