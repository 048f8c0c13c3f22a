// The window's fonts (see fonts.h).
#include "app/window/fonts.h"

#include <imgui_impl_opengl3.h>

#include "app/widgets/vector_font.h"

namespace scorelab::window {

FontChoice Fonts::apply(FontChoice want, bool uploaded, std::optional<std::string>* warning) {
  if (requested_ == want) return *loaded_;
  requested_ = want;
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  FontChoice got{false, 13};
  if (want.vector && ui::add_vector_font(atlas, float(want.pixels))) got = want;
  if (!got.vector) {
    atlas->Clear();
    atlas->AddFontDefault();
    if (want.vector && !warned_ && warning) {
      warned_ = true;
      *warning = std::string("presenter font ") + ui::kVectorFontPath +
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
