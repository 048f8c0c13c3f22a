// OverlayContext: a second Dear ImGui context that draws the plot overlay (tick labels, legends,
// captions, the title) into an export's offscreen target, at the export's size, in the slides'
// vector font (app/widgets/vector_font.h) at a thirtieth of the picture's height or more.
// It has its own font atlas and its own OpenGL3 backend state, so the window's ImGui frame and
// input are untouched; begin() makes it current and end() restores whichever context was.
#pragma once

struct ImGuiContext;

namespace scorelab::exporting {

class OverlayContext {
 public:
  // text_scale: the export's pixel scale (the bitmap font's 13 px times it is the smallest text);
  // height: the picture's, in pixels. Needs a current GL 3.3 context.
  OverlayContext(float text_scale, int height);
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
