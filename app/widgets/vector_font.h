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

// Presenter mode's font in a window `height` pixels tall: the slide size (a thirtieth of the
// height) up to 1080 pixels (36 px); above, it grows with the square root of the height (51 px
// at 2160, a 42nd of it), so a 4K screen gives its extra pixels to the plot (lesson 8.1: 71% of
// the height against 56% at 720) instead of showing the 720p slide at 3×. Times `ui_scale`,
// within [14, 160].
int presenter_font_pixels(int height, double ui_scale);

// Adds the vector font at `pixels` to `atlas` (the caller builds it); false, adding nothing, when
// the font's file is missing.
bool add_vector_font(ImFontAtlas* atlas, float pixels);

}  // namespace scorelab::ui
