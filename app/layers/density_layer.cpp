// The density layer: log p at the panel's level as a heatmap (a float texture coloured by the
// GPU), with its legend. The contour lines are their own layer (contours_layer.cpp) over the same
// field. When the sampler's condition guides (an observation or a class, mixture data), it shows
// the exact conditional density p_t(x | y) instead — what the guided particles sample — and its
// legend says so.
#include <cmath>
#include <cstdio>

#include "app/layers/layer.h"
#include "app/widgets/widgets.h"
#include "core/sample/conditioning.h"

namespace scorelab::layers {

namespace {

class DensityLayer final : public Layer {
 public:
  std::string_view label() const override { return "density (log p)"; }
  int key() const override { return 2; }
  bool on(const LayersConfig& l) const override { return l.density.on; }
  void set_on(LayersConfig& l, bool on) const override { l.density.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::enum_combo("colormap", l.density.colormap);
    changed |= ImGui::Checkbox("shared scale (every panel, every level)", &l.density.lock_scale);
    changed |= ui::slider("range (nats)", l.density.range, 0.5, 200, "%.3g", true);
    changed |= ui::slider("resolution", l.density.resolution, 16, 512);
    return changed;
  }

  void compute(PanelFrame& f) override {
    if (!shown(f)) return;
    (void)field(f);
    conditional_[std::size_t(f.panel)] = f.fields.conditional(f.inputs, f.layers().density.resolution);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!shown(f)) return;
    const app::DensityField& d = field(f);
    if (d.log_density.size() == 0) return;
    GridTexture& g = gpu_[f.panel];
    const auto& cfg = f.layers().density;
    // The texture holds log p; the range is of the values shown, log p + log_z: the painter
    // takes it back to log p's.
    const float log_z = float(f.ctx.panel(f.panel).log_z);
    if (const app::ConditionalDensity* c = conditional(f)) {
      // The exact conditional density instead (the guided particles' target).
      g.update(c->key.grid, c->log_p, -c->revision);  // negative: apart from the plain field's
      const app::DensityRange r = shown_range(f, c->stats);
      painter.field(g.texture, c->key.grid, r.lo - log_z, r.hi - log_z, cfg.colormap, 1.0f,
                    /*fill=*/true, cfg.contours, float(cfg.contour_spacing));
      return;
    }
    g.update(d.key.grid, d.log_density, d.revision);
    // The contour lines (their own layer, contours_layer.cpp) come in this same pass when both
    // are on: in software GL a second pass over every pixel of the panel costs a frame's worth.
    const app::DensityRange r = shown_range(f, d.stats);
    painter.field(g.texture, d.key.grid, r.lo - log_z, r.hi - log_z, cfg.colormap, 1.0f,
                  /*fill=*/true, cfg.contours, float(cfg.contour_spacing));
  }

  // The title says what the colours are: the exact density of the data (also on a learned panel,
  // which has no density of its own yet) and whether the scale is shared or this view's own.
  std::optional<Legend> legend(const PanelFrame& f) const override {
    if (!shown(f)) return std::nullopt;
    const app::DensityField& d = field(f);
    if (d.log_density.size() == 0) return std::nullopt;
    const double log_z = f.ctx.panel(f.panel).log_z;
    // An unnormalised panel names its constant: log p̃ = log p + log Z.
    char unnormalised[96] = "";
    if (log_z != 0)
      std::snprintf(unnormalised, sizeof unnormalised, " + %.2f\n(unnormalised: Z = %.3g)", log_z,
                    std::exp(log_z));
    if (const app::ConditionalDensity* c = conditional(f)) {
      const app::DensityRange r = shown_range(f, c->stats);
      const Conditioning& k = *c->key.condition;  // what the map was computed for
      std::string title = "log p_t(x | y)";
      if (k.kind == Conditioning::Kind::Class) {
        title = "log p_t(x | component " + std::to_string(k.component) + ")";
      } else if (k.kind == Conditioning::Kind::Imputation) {
        const bool x2 = k.observe == Conditioning::Observe::X2;
        char line[64];
        std::snprintf(line, sizeof line, "log p_t(x | %s = %.3g)", x2 ? "x2" : "x1",
                      x2 ? k.x2 : k.x1);
        title = line;
      }
      title += unnormalised;
      // A guidance weight other than 1 tempers the samples' law away from the conditional.
      const bool tempered = k.kind != Conditioning::Kind::Imputation && k.scale != 1;
      title += !tempered      ? "\n(exact conditional,\nthe samples' target)"
               : k.scale > 1 ? "\n(exact conditional; a weight\n> 1 sharpens the samples\npast it)"
                             : "\n(exact conditional; a weight\n< 1 widens the samples\nbeyond it)";
      title += r.locked ? "\nshared scale" : "\nscale of this view";
      return Legend{f.layers().density.colormap, title, r.lo, r.hi, "%.1f"};
    }
    const app::DensityRange r = shown_range(f, d.stats);
    const bool learned = f.ctx.panel(f.panel).source == FieldSource::Learned;
    std::string title = learned ? "exact log p\n(not learned)" : "log p (exact)";
    if (log_z != 0) title = std::string("log p") + unnormalised;
    title += r.locked ? "\nshared scale" : "\nscale of this view";
    // Shown once in small multiples when every panel has the same one.
    return Legend{f.layers().density.colormap, title, r.lo, r.hi, "%.1f", r.locked && log_z == 0};
  }

  // On the shared scale a density at high noise is one flat colour: say so, so that frame 1 of
  // a run (t near 1) reads as the point, not as a broken picture.
  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    if (!shown(f) || conditional(f)) return {};
    const app::DensityField& d = field(f);
    if (d.log_density.size() == 0) return {};
    const app::DensityRange r = shown_range(f, d.stats);
    if (!r.locked || d.stats.max - d.stats.min >= 0.2 * (r.hi - r.lo)) return {};
    // One line: the longest wording that fits the panel (a wrapped line takes the legends' room).
    char full[200];
    std::snprintf(full, sizeof full,
                  "log p_t is nearly flat at t %.3g (%.1f nats across the view): the noise hides "
                  "the modes, which sharpen as t falls",
                  f.ctx.panel(f.panel).level.t, double(d.stats.max - d.stats.min));
    const float room = f.rect.w - 4 * ImGui::GetTextLineHeight();
    std::string text = full;
    for (const char* shorter : {"log p_t is nearly flat here: the noise hides the modes",
                                "nearly flat: noise hides the modes"})
      if (ImGui::CalcTextSize(text.c_str()).x > room) text = shorter;
    return {{text, IM_COL32(230, 230, 230, 255)}};
  }

 private:
  // This frame's exact conditional density (PanelFields::conditional), null without a condition
  // or without mixture data: computed in compute(), read by draw() and legend().
  const app::ConditionalDensity* conditional(const PanelFrame& f) const {
    return conditional_[std::size_t(f.panel)];
  }

  // A panel whose density is drawn through the PF-ODE (a learned panel with the model-density
  // layer on, or an exact one asking for it) shows that map instead (or nothing while it is
  // computed), never the closed form under the ODE's name.
  static bool shown(const PanelFrame& f) { return !f.ctx.panel(f.panel).ode_density; }
  // The range of the values shown, log p + log_z: the shared scale when locked (an unnormalised
  // panel then looks brighter, by log_z), else this view's own, which moves with log_z.
  static app::DensityRange shown_range(const PanelFrame& f, const FieldStats& stats) {
    app::DensityRange r = app::density_range(stats, f.layers().density, f.ctx.density_scale());
    if (!r.locked) {
      r.lo += float(f.ctx.panel(f.panel).log_z);
      r.hi += float(f.ctx.panel(f.panel).log_z);
    }
    return r;
  }
  static const app::DensityField& field(const PanelFrame& f) {
    return f.fields.density(f.inputs, f.layers().density.resolution);
  }
  PerPanel<GridTexture> gpu_;
  std::array<const app::ConditionalDensity*, kMaxPanels> conditional_{};
};

}  // namespace

std::unique_ptr<Layer> make_density_layer() { return std::make_unique<DensityLayer>(); }

}  // namespace scorelab::layers
