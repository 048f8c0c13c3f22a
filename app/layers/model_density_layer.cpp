// The model-density layer: the learned model's own log p on the panel's grid, through the
// probability-flow ODE (PanelFields::model_density, app/state/fields.h, runs it as a background
// job on the context's job runner), drawn on learned panels in place of the data's exact density
// with the same colormap, contours and locked scale, so an exact panel and a learned panel
// compare side by side.
//
// When it is computed: the first time a learned panel shows the layer, then only on request (M,
// or the button), never by itself when the view or the model moves on — a 128×128 map at
// rtol 1e-5 takes seconds of both cores. A map stays drawn over the rectangle it was computed for
// (so panning shows it where it belongs) and its legend names the model step and level it is of,
// with a "stale" line once the model has trained past it. Scripted runs (--frames) wait for the
// job, so their frames are deterministic.
#include <cstdio>

#include "app/layers/layer.h"
#include "app/layers/widgets.h"

namespace scorelab::layers {

namespace {

class ModelDensityLayer final : public Layer {
 public:
  std::string_view label() const override { return "model density (learned, PF-ODE)"; }
  int key() const override { return -1; }  // the digits are taken; toggled in the Layers panel
  bool on(const LayersConfig& l) const override { return l.model_density.on; }
  void set_on(LayersConfig& l, bool on) const override { l.model_density.on = on; }
  bool widgets(LayersConfig& l, std::vector<app::Command>& commands) const override {
    bool changed = ui::slider("resolution##md", l.model_density.resolution, 8, 256);
    changed |= ui::slider("tolerance", l.model_density.tol, 1e-7, 1e-2, "%.0e", true);
    changed |= ui::slider("NLL draws", l.model_density.nll_points, 0, 5000);
    if (ImGui::Button("compute (M)")) commands.push_back(app::Command::ComputeModelDensity);
    ImGui::SameLine();
    if (ImGui::Button("cancel")) commands.push_back(app::Command::CancelModelDensity);
    return changed;
  }

  void compute(PanelFrame& f) override {
    if (shown(f)) (void)f.fields.model_density(f.inputs, f.layers().model_density);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!shown(f)) return;
    const app::ModelDensityMap* m = state(f).density.map();
    if (!m) return;
    GridTexture& g = gpu_[f.panel];
    g.update(m->grid, m->log_p, m->revision);
    const auto& cfg = f.layers().density;
    const app::DensityRange r = range(f, *m);
    painter.field(g.texture, m->grid, r.lo, r.hi, cfg.colormap, 1.0f, /*fill=*/true,
                  cfg.contours, float(cfg.contour_spacing));
  }

  std::optional<Legend> legend(const PanelFrame& f) const override {
    if (!shown(f)) return std::nullopt;
    const app::ModelDensityMap* m = state(f).density.map();
    if (!m) return std::nullopt;
    const app::DensityRange r = range(f, *m);
    char stale[80] = "";
    if (m->step != f.ctx.model_step())
      std::snprintf(stale, sizeof stale, "\nstale: model now at\nstep %ld (M: recompute)",
                    f.ctx.model_step());
    char title[240];
    std::snprintf(title, sizeof title, "log p of the learned model\n(PF-ODE, step %ld, t %.3g)%s%s",
                  m->step, m->eps, r.locked ? "\nshared scale" : "\nscale of this map", stale);
    return Legend{f.layers().density.colormap, title, r.lo, r.hi, "%.1f"};
  }

  // Along the bottom: the job's progress, or what the map is of and the held-out NLL.
  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    if (!shown(f)) return {};
    const app::ModelDensityPanel& st = state(f);
    char text[240];
    if (st.density.running()) {
      const float p = float(st.density.progress());
      std::snprintf(text, sizeof text, "model density %.0f%%", 100 * p);
      return {{text, IM_COL32(230, 230, 230, 255), p}};
    }
    if (!st.error.empty()) return {{st.error, IM_COL32(255, 120, 100, 255)}};
    const app::ModelDensityMap* m = st.density.map();
    if (!m || m->held_out.cols() == 0) return {};
    std::snprintf(text, sizeof text, "NLL of %ld fresh draws: learned %.3f, exact %.3f nats",
                  long(m->held_out.cols()), m->nll_learned, m->nll_exact);
    return {{text, IM_COL32(200, 230, 255, 255)}};
  }

 private:
  // Learned panels only: the exact panel's density is the density layer's.
  static bool shown(const PanelFrame& f) {
    return f.ctx.panel(f.panel).source == FieldSource::Learned;
  }
  // The density layer's range: the shared scale when it is locked, else this map's own.
  static app::DensityRange range(const PanelFrame& f, const app::ModelDensityMap& m) {
    return app::density_range(m.stats, f.layers().density, f.ctx.density_scale());
  }
  static const app::ModelDensityPanel& state(const PanelFrame& f) {
    return f.fields.model_density();
  }

  PerPanel<GridTexture> gpu_;
};

}  // namespace

std::unique_ptr<Layer> make_model_density_layer() { return std::make_unique<ModelDensityLayer>(); }

}  // namespace scorelab::layers
