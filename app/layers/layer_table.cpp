// The one list of layers, in drawing order (bottom first), and the loops over it.
#include "app/layers/layer_table.h"

#include <algorithm>

namespace scorelab::layers {

// Each defined in its own file.
std::unique_ptr<Layer> make_density_layer();
std::unique_ptr<Layer> make_model_density_layer();
std::unique_ptr<Layer> make_contours_layer();
std::unique_ptr<Layer> make_error_layer();
std::unique_ptr<Layer> make_axes_layer();
std::unique_ptr<Layer> make_streamlines_layer();
std::unique_ptr<Layer> make_arrows_layer();
std::unique_ptr<Layer> make_mesh_layer();
std::unique_ptr<Layer> make_data_layer();
std::unique_ptr<Layer> make_noised_layer();
std::unique_ptr<Layer> make_encoding_layer();
std::unique_ptr<Layer> make_trails_layer();
std::unique_ptr<Layer> make_particles_layer();
std::unique_ptr<Layer> make_objective_layer();

LayerTable::LayerTable() {
  for (auto make : {make_density_layer, make_model_density_layer, make_contours_layer,
                    make_error_layer, make_axes_layer, make_streamlines_layer, make_arrows_layer,
                    make_mesh_layer, make_data_layer, make_noised_layer, make_encoding_layer,
                    make_trails_layer, make_particles_layer, make_objective_layer})
    layers_.push_back(make());
}

LayerTable::~LayerTable() = default;

std::vector<const Layer*> LayerTable::by_key() const {
  std::vector<const Layer*> out;
  for (const auto& layer : layers_) out.push_back(layer.get());
  std::sort(out.begin(), out.end(), [](const Layer* a, const Layer* b) { return a->key() < b->key(); });
  return out;
}

PanelFrame LayerTable::frame(app::AppContext& ctx, const view::PanelLayout& layout,
                             int panel, double now, float line_scale) {
  const view::WorldRect& world = layout.worlds[panel];
  return PanelFrame{ctx,
                    panel,
                    panel / layout.columns,
                    panel % layout.columns,
                    world,
                    layout.rects[panel],
                    ctx.fields(panel),
                    app::field_inputs(ctx, panel, world, now),
                    line_scale};
}

void LayerTable::compute(PanelFrame& f) {
  const LayersConfig& cfg = f.layers();
  for (const auto& layer : layers_)
    if (layer->on(cfg)) layer->compute(f);
}

void LayerTable::draw(render::Painter& painter, PanelFrame& f, const render::FramebufferRect& fb,
                      float pixel_scale) {
  const LayersConfig& cfg = f.layers();
  painter.begin_panel(f.world, fb, pixel_scale);
  painter.set_palette(render::palette(f.ctx.scene()));
  for (const auto& layer : layers_)
    if (layer->on(cfg)) layer->draw(painter, f);
  painter.end_panel();
}

}  // namespace scorelab::layers
