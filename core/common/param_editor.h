// An editor of a configuration's parameters that names no UI toolkit: a configuration in core/
// describes its widgets (label, range, scale, when they show) by calling one of these, and app/
// draws them with Dear ImGui (app/ui/imgui_param_editor.h). That keeps a sampler's widgets in the
// sampler's own file (core/sample/<kind>.cpp) while core/ stays free of GL and ImGui.
// Each call returns true when the user changed the value this frame.
#pragma once
#include <span>
#include <string_view>
#include <vector>

#include "core/common/enum_table.h"

namespace scorelab {

class ParamEditor {
 public:
  virtual ~ParamEditor() = default;

  // A real number in [lo, hi] (a logarithmic slider when log), shown with a printf format.
  virtual bool number(const char* label, double& value, double lo, double hi,
                      const char* format = "%.3g", bool log = false) = 0;
  // An integer in [lo, hi].
  virtual bool integer(const char* label, int& value, int lo, int hi) = 0;
  virtual bool toggle(const char* label, bool& value) = 0;
  // One of `labels`; `index` is the position of the chosen one.
  virtual bool choice(const char* label, int& index, std::span<const std::string_view> labels) = 0;

  // One value of a tabled enum, offered by its labels (core/common/enum_table.h).
  template <TabledEnum E>
  bool choice(const char* label, E& value) {
    std::vector<std::string_view> labels;
    int index = 0;
    for (const EnumName<E>& n : enum_names<E>()) {
      if (n.value == value) index = static_cast<int>(labels.size());
      labels.push_back(n.label);
    }
    if (!choice(label, index, labels)) return false;
    value = enum_names<E>()[static_cast<std::size_t>(index)].value;
    return true;
  }
};

}  // namespace scorelab
