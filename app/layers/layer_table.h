// The layer table: every layer, in drawing order (bottom first). One instance per renderer (the
// window and each export own one), since layers own their GPU buffers; their table entries
// (label, key, on/off, widgets) are the same in every instance.
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "app/layers/layer.h"

namespace scorelab::layers {

class LayerTable {
 public:
  LayerTable();  // every layer of layer_table.cpp; GPU resources are made on first draw
  ~LayerTable();

  const std::vector<std::unique_ptr<Layer>>& all() const { return layers_; }  // drawing order
  std::vector<const Layer*> by_key() const;  // the order of their keys (panels, help)

  // Panel `panel` of `layout`: its world rectangle, pixel rectangle, fields (the context's) and
  // inputs; line_scale as draw() will get it, per overlay pixel (PanelFrame::line_scale).
  PanelFrame frame(app::AppContext& ctx, const view::PanelLayout& layout, int panel,
                   double now, float line_scale);
  // compute() of every layer that is on.
  void compute(PanelFrame& f);
  // draw() of every layer that is on, bottom first, into the framebuffer rectangle `fb`.
  void draw(render::Painter& painter, PanelFrame& f, const render::FramebufferRect& fb,
            float pixel_scale);

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
};

}  // namespace scorelab::layers
