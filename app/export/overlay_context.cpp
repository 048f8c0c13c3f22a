// The export's own ImGui context (see overlay_context.h).
#include "app/export/overlay_context.h"

#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <cmath>

namespace scorelab::exporting {

OverlayContext::OverlayContext(float text_scale) {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  context_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  // The font is rasterised at the export's text size (crisp), not scaled up from 13 px.
  ImFontConfig font;
  font.SizePixels = std::round(13.0f * text_scale);
  io.Fonts->AddFontDefault(&font);
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
