// The trails row of the layer table: the particles' trails, on or off, their length and how many
// particles leave one. The particles layer draws them, in the same pass as the dots
// (particles_layer.cpp, particle_canvas.h), so this row only holds their settings.
#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

class TrailsLayer final : public Layer {
 public:
  std::string_view label() const override { return "trails"; }
  int key() const override { return 8; }
  bool on(const LayersConfig& l) const override { return l.particles.trail > 0; }
  void set_on(LayersConfig& l, bool on) const override { l.particles.trail = on ? 30 : 0; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::slider("length (frames)", l.particles.trail, 1, 500);
    changed |= ui::slider("with trail", l.particles.trail_particles, 0, 20000);
    return changed;
  }
};

}  // namespace

std::unique_ptr<Layer> make_trails_layer() { return std::make_unique<TrailsLayer>(); }

}  // namespace scorelab::layers
