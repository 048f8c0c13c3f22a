// The window's fonts (see fonts.h).
#include "app/window/fonts.h"

#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace scorelab::window {

int presenter_font_pixels(int height, double ui_scale) {
  return std::clamp(int(std::lround(height / 30.0 * ui_scale)), 14, 160);
}

FontChoice Fonts::apply(FontChoice want, bool uploaded, std::optional<std::string>* warning) {
  if (requested_ == want) return *loaded_;
  requested_ = want;
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  FontChoice got{false, 13};
  std::error_code ec;
  if (want.vector && std::filesystem::is_regular_file(kPresenterFontPath, ec)) {
    if (ranges_.empty()) {
      ImFontGlyphRangesBuilder builder;
      builder.AddRanges(atlas->GetGlyphRangesDefault());  // Latin-1
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
      builder.BuildRanges(&ranges_);
    }
    ImFontConfig config;
    config.OversampleH = 2;  // crisp at any size without the cost of 3× oversampling
    if (atlas->AddFontFromFileTTF(kPresenterFontPath, float(want.pixels), &config, ranges_.Data))
      got = want;
  }
  if (!got.vector) {
    atlas->Clear();
    atlas->AddFontDefault();
    if (want.vector && !warned_ && warning) {
      warned_ = true;
      *warning = std::string("presenter font ") + kPresenterFontPath +
                 " not found (Debian package fonts-dejavu-core): using the bitmap font";
    }
  }
  atlas->Build();
  if (uploaded) {  // the backend holds the old atlas's texture: replace it
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  loaded_ = got;
  return got;
}

}  // namespace scorelab::window
