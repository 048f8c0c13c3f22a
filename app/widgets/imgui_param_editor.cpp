// The ParamEditor drawn with Dear ImGui (see imgui_param_editor.h).
#include "app/widgets/imgui_param_editor.h"

#include <imgui.h>

#include <string>

#include "app/widgets/widgets.h"

namespace scorelab::ui {

bool ImGuiParamEditor::number(const char* label, double& value, double lo, double hi,
                              const char* format, bool log) {
  return slider(label, value, lo, hi, format, log);
}

bool ImGuiParamEditor::integer(const char* label, int& value, int lo, int hi) {
  return slider(label, value, lo, hi);
}

bool ImGuiParamEditor::toggle(const char* label, bool& value) { return checkbox(label, value); }

bool ImGuiParamEditor::choice(const char* label, int& index,
                              std::span<const std::string_view> labels) {
  bool changed = false;
  const std::string shown =
      index >= 0 && static_cast<std::size_t>(index) < labels.size() ? std::string(labels[index]) : "";
  fit_combo_width(label, shown.c_str());
  const bool open = ImGui::BeginCombo(label, shown.c_str());
  report_item(label);
  if (open) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const bool selected = static_cast<int>(i) == index;
      if (ImGui::Selectable(std::string(labels[i]).c_str(), selected) && !selected) {
        index = static_cast<int>(i);
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

}  // namespace scorelab::ui
