// The vector font of slides (see vector_font.h).
#include "app/widgets/vector_font.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace scorelab::ui {

namespace {

// Latin-1 plus what the lessons write; built once, and kept for as long as any atlas uses it.
const ImWchar* glyph_ranges() {
  static const ImVector<ImWchar> ranges = [] {
    ImFontGlyphRangesBuilder builder;
    ImFontAtlas defaults;
    builder.AddRanges(defaults.GetGlyphRangesDefault());  // Latin-1
    static const ImWchar extra[] = {
        0x0300, 0x036F,  // combining marks (the tilde of x̃)
        0x0370, 0x03FF,  // Greek (σ, ε, β, ...)
        0x1D00, 0x1D7F,  // phonetic extensions: the subscript letters ᵢ ᵣ ᵤ ᵥ
        0x2010, 0x2027,  // dashes, quotes, bullets, … (ellipsis)
        0x2070, 0x209F,  // superscripts and subscripts (⁰…⁹, ₀…₉, ₜ, ₓ)
        0x2190, 0x21FF,  // arrows
        0x2200, 0x22FF,  // mathematical operators (∇, ∫, ≥, ≈, ‖ is 0x2016)
        0x00B7, 0x00B7,  // middle dot
        0,
    };
    builder.AddRanges(extra);
    ImVector<ImWchar> built;
    builder.BuildRanges(&built);
    return built;
  }();
  return ranges.Data;
}

}  // namespace

int slide_font_pixels(int height, double ui_scale) {
  return std::clamp(int(std::lround(height / 30.0 * ui_scale)), 14, 160);
}

int presenter_font_pixels(int height, double ui_scale) {
  constexpr double kFullSlide = 1080;  // up to here, a thirtieth of the height
  const double h = height <= kFullSlide ? height : std::sqrt(height * kFullSlide);
  return slide_font_pixels(int(std::lround(h)), ui_scale);
}

bool add_vector_font(ImFontAtlas* atlas, float pixels) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(kVectorFontPath, ec)) return false;
  ImFontConfig config;
  config.OversampleH = 2;  // crisp at any size without the cost of 3× oversampling
  return atlas->AddFontFromFileTTF(kVectorFontPath, pixels, &config, glyph_ranges()) != nullptr;
}

}  // namespace scorelab::ui
