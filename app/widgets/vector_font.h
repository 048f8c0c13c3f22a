// The vector font of slides (presenter mode and exports): DejaVu Sans from Debian's
// fonts-dejavu-core, with the Greek, subscript and math glyphs lessons write (σ, ε, ∇, ∫, xₜ, ≥),
// at a size a lecture hall reads: about 30 lines fill the picture's height.
#pragma once
#include <imgui.h>

namespace scorelab::ui {

inline constexpr const char* kVectorFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// The font's size in pixels for a picture `height` pixels tall: height / 30 (24 px at 720, 72 px
// at 2160) times `ui_scale`, within [14, 160].
int slide_font_pixels(int height, double ui_scale);

// Adds the vector font at `pixels` to `atlas` (the caller builds it); false, adding nothing, when
// the font's file is missing.
bool add_vector_font(ImFontAtlas* atlas, float pixels);

}  // namespace scorelab::ui
