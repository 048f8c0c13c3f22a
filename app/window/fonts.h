// The window's fonts. Normal use: ImGui's built-in bitmap font (ProggyClean, 13 px) scaled by the
// UI scale. Presenter mode: DejaVu Sans (Debian's fonts-dejavu-core) rasterised at lecture size,
// with the Greek, subscript and math glyphs lessons write (σ, ε, ∇, ∫, xₜ, ≥). The atlas is rebuilt
// only when the choice changes, between frames (never inside NewFrame … Render).
#pragma once
#include <imgui.h>

#include <optional>
#include <string>

namespace scorelab::window {

inline constexpr const char* kPresenterFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

struct FontChoice {
  bool vector = false;  // DejaVu Sans; false: the bitmap font
  int pixels = 13;      // vector: its size in pixels (ignored for the bitmap font)
  bool operator==(const FontChoice&) const = default;
};

// The presenter font's size for a window `height` pixels tall: about 30 lines fill the height
// (24 px at 720, 72 px at 2160), times the scene's UI scale.
int presenter_font_pixels(int height, double ui_scale);

class Fonts {
 public:
  // Loads `want` into ImGui's atlas if it is not what is loaded, and (when the OpenGL3 backend's
  // textures exist, `uploaded`) re-creates the font texture. Returns what is in use now (the
  // bitmap font when the vector font's file is missing) and, the first time that happens, a
  // warning for the status bar in *warning.
  FontChoice apply(FontChoice want, bool uploaded, std::optional<std::string>* warning);

 private:
  std::optional<FontChoice> requested_, loaded_;
  ImVector<ImWchar> ranges_;  // must outlive the atlas's use of it
  bool warned_ = false;
};

}  // namespace scorelab::window
