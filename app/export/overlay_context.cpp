// The export's own ImGui context (see overlay_context.h).
#include "app/export/overlay_context.h"

#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>

#include "app/widgets/vector_font.h"

namespace scorelab::exporting {

OverlayContext::OverlayContext(float text_scale, int height) {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  context_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  // The font is rasterised at the export's text size (crisp), not scaled up: a slide's text is at
  // least a thirtieth of its height (read from the back of a lecture hall). Without the vector
  // font's file, the bitmap font at that size.
  const float pixels = std::max(std::round(13.0f * text_scale), float(ui::slide_font_pixels(height, 1.0)));
  if (!ui::add_vector_font(io.Fonts, pixels)) {
    ImFontConfig font;
    font.SizePixels = pixels;
    io.Fonts->AddFontDefault(&font);
  }
  ImGui::StyleColorsDark();
  ImGui_ImplOpenGL3_Init("#version 330 core");
  ImGui::SetCurrentContext(previous);
}

OverlayContext::~OverlayContext() {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  ImGui::SetCurrentContext(context_);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext(context_);
  ImGui::SetCurrentContext(previous == context_ ? nullptr : previous);
}

void OverlayContext::begin(int width, int height) {
  previous_ = ImGui::GetCurrentContext();
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(width), float(height));
  io.DeltaTime = 1.0f / 60.0f;  // unused (no animations, no input), but must be > 0
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
}

void OverlayContext::end() {
  ImGui::Render();
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  ImGui::SetCurrentContext(previous_);
}

}  // namespace scorelab::exporting
