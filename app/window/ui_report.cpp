// The scripted UI report: one frame's labelled items, written as JSON (see ui_report.h).
#include "app/window/ui_report.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "core/common/atomic_file.h"

namespace scorelab::window {

void UiReport::begin(bool collect) {
  report_ = {};
  ImGui::GetIO().UserData = collect ? &report_ : nullptr;
}

void UiReport::write(const std::string& path, float display_w, float display_h,
                     const float (&plot)[4]) {
  report_.display_w = display_w;
  report_.display_h = display_h;
  std::copy(plot, plot + 4, report_.plot);
  report_.font_px = ImGui::GetFontSize();
  // The glyphs lessons write (σ ε ∇ ∫ ₓ ₀ ₉ ≥), each looked up in the loaded font.
  for (const ImWchar c : {0x03C3, 0x03B5, 0x2207, 0x222B, 0x2093, 0x2080, 0x2089, 0x2265})
    if (!ImGui::GetFont()->FindGlyphNoFallback(c)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X ", unsigned(c));
      report_.missing_glyphs += code;
    }
  write_file_atomic(path, report_.json());
  ImGui::GetIO().UserData = nullptr;
}

}  // namespace scorelab::window
