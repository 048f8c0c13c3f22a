// The window's fonts. Normal use: ImGui's built-in bitmap font (ProggyClean, 13 px) scaled by the
// UI scale. Presenter mode: the slides' vector font (app/widgets/vector_font.h) at lecture size
// (ui::slide_font_pixels). The atlas is rebuilt
// only when the choice changes, between frames (never inside NewFrame … Render).
#pragma once
#include <imgui.h>

#include <optional>
#include <string>

namespace scorelab::window {

struct FontChoice {
  bool vector = false;  // DejaVu Sans; false: the bitmap font
  int pixels = 13;      // vector: its size in pixels (ignored for the bitmap font)
  bool operator==(const FontChoice&) const = default;
};

class Fonts {
 public:
  // Loads `want` into ImGui's atlas if it is not what is loaded, and (when the OpenGL3 backend's
  // textures exist, `uploaded`) re-creates the font texture. Returns what is in use now (the
  // bitmap font when the vector font's file is missing) and, the first time that happens, a
  // warning for the status bar in *warning.
  FontChoice apply(FontChoice want, bool uploaded, std::optional<std::string>* warning);

 private:
  std::optional<FontChoice> requested_, loaded_;
  bool warned_ = false;
};

}  // namespace scorelab::window
