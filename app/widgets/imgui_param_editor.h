// The ParamEditor (core/common/param_editor.h) drawn with Dear ImGui: the widgets a core
// configuration describes (a sampler's, its condition's) as sliders, checkboxes and combo boxes,
// each reported for the UI report (app/widgets/item_report.h). enum_combo (widgets.h) is its
// choice over a tabled enum.
#pragma once
#include "core/common/param_editor.h"

namespace scorelab::ui {

class ImGuiParamEditor final : public ParamEditor {
 public:
  using ParamEditor::choice;
  bool number(const char* label, double& value, double lo, double hi, const char* format,
              bool log) override;
  bool integer(const char* label, int& value, int lo, int hi) override;
  bool toggle(const char* label, bool& value) override;
  bool choice(const char* label, int& index, std::span<const std::string_view> labels) override;
};

}  // namespace scorelab::ui
