// OverlayContext: a second Dear ImGui context that draws the plot overlay (tick labels, legends,
// captions, the title) into an export's offscreen target, at the export's size and text scale.
// It has its own font atlas and its own OpenGL3 backend state, so the window's ImGui frame and
// input are untouched; begin() makes it current and end() restores whichever context was.
#pragma once

struct ImGuiContext;

namespace scorelab::exporting {

class OverlayContext {
 public:
  explicit OverlayContext(float text_scale);  // needs a current GL 3.3 context
  ~OverlayContext();
  OverlayContext(const OverlayContext&) = delete;
  OverlayContext& operator=(const OverlayContext&) = delete;

  void begin(int width, int height);  // a new ImGui frame covering width × height pixels
  void end();                         // draws it into the bound framebuffer

 private:
  ImGuiContext* context_ = nullptr;
  ImGuiContext* previous_ = nullptr;
};

}  // namespace scorelab::exporting
