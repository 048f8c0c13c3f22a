// The model-density layer: the learned model's own log p on the panel's grid, through the
// probability-flow ODE (PanelFields::model_density, app/state/fields.h, runs it as a background
// job on the context's job runner), drawn on learned panels in place of the data's exact density
// with the same colormap, contours and locked scale, so an exact panel and a learned panel
// compare side by side. An exact panel with PanelConfig::ode_density draws the exact score's map
// the same way, to set beside the closed form (lesson 9.3: the ODE's likelihood is the true one).
//
// When it is computed: the first time a learned panel shows the layer, then only on request (M,
// or the button), never by itself when the view or the model moves on — a 128×128 map at
// rtol 1e-5 takes seconds of both cores. A map stays drawn over the rectangle it was computed for
// (so panning shows it where it belongs) and its legend names the model step and level it is of,
// with a "stale" line once the model has trained past it. Scripted runs (--frames) wait for the
// job, so their frames are deterministic.
//
// Where the model was not trained, the map says so (issue 23): with the skip far field
// (core/nn/mlp.h FarField) a dashed circle marks the data's reach at the map's level, within which
// the network was trained, and hatching covers what lies beyond the window's outer edge, where
// the network is off and the map shows the Gaussian fallback N(μ, σ_d² I), not a density learned
// from the data.
#include <cmath>
#include <cstdio>
#include <numbers>

#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

class ModelDensityLayer final : public Layer {
 public:
  std::string_view label() const override { return "model density (PF-ODE)"; }
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
    draw_far_field(painter, f, *m);
  }

  std::optional<Legend> legend(const PanelFrame& f) const override {
    if (!shown(f)) return std::nullopt;
    const app::ModelDensityMap* m = state(f).density.map();
    if (!m) return std::nullopt;
    const app::DensityRange r = range(f, *m);
    char stale[80] = "";
    if (!m->exact && m->step != f.ctx.model_step())
      std::snprintf(stale, sizeof stale, "\nstale: model now at\nstep %ld (M: recompute)",
                    f.ctx.model_step());
    // What the far-field marks mean is a readout line (below), not legend lines: a taller legend
    // finds no corner free of the data (panel_overlay.cpp) and covers the modes.
    char title[240];
    if (m->exact)
      // Two lines: the panel's caption already names the score and the level.
      std::snprintf(title, sizeof title, "log p via PF-ODE%s",
                    r.locked ? "\nshared scale" : "\nscale of this map");
    else
      std::snprintf(title, sizeof title,
                    "log p of the learned model\n(PF-ODE, step %ld, t %.3g)%s%s", m->step, m->eps,
                    r.locked ? "\nshared scale" : "\nscale of this map", stale);
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
    if (!m) return {};
    std::vector<ReadoutLine> lines;
    if (m->window) {
      std::snprintf(text, sizeof text,
                    "dashed: the data's reach; hatched: not learned, the Gaussian N(mu, %.3g^2 I)",
                    m->sigma_data);
      lines.push_back({text, IM_COL32(230, 230, 230, 255)});
    }
    if (m->held_out.cols() > 0) {
      std::snprintf(text, sizeof text, "NLL (%ld draws): %s %.3f, exact %.3f nats",
                    long(m->held_out.cols()), m->exact ? "PF-ODE" : "learned", m->nll_ode,
                    m->nll_exact);
      lines.push_back({text, IM_COL32(200, 230, 255, 255)});
    }
    return lines;
  }

 private:
  // Panels whose density is drawn through the ODE (learned ones, exact ones asking for it); the
  // others' is the density layer's closed form.
  static bool shown(const PanelFrame& f) { return f.ctx.panel(f.panel).ode_density; }
  // The density layer's range: the shared scale when it is locked, else this map's own.
  static app::DensityRange range(const PanelFrame& f, const app::ModelDensityMap& m) {
    return app::density_range(m.stats, f.layers().density, f.ctx.density_scale());
  }
  static const app::ModelDensityPanel& state(const PanelFrame& f) {
    return f.fields.model_density();
  }

  // The far-field marks over the map's rectangle: a dashed circle at the window's inner radius
  // and hatching at 45° beyond its outer radius, 14 UI pixels apart. Rebuilt only when the map or
  // the view changes.
  void draw_far_field(render::Painter& painter, PanelFrame& f, const app::ModelDensityMap& m) {
    if (!m.window) return;
    Marks& g = marks_[f.panel];
    const std::array<double, 7> key{double(m.revision),  f.world.cx, f.world.cy,
                                    f.world.hw,          f.world.hh, double(f.rect.h),
                                    double(f.line_scale)};
    if (!g.made) {
      render::Painter::make_line_layout(g.vao, g.vertices);
      g.made = true;
    }
    if (key != g.key) {
      g.key = key;
      staging_.clear();
      const auto segment = [&](double x0, double y0, double x1, double y1, float alpha) {
        staging_.insert(staging_.end(), {float(x0), float(y0), 1.0f, 1.0f, 1.0f, alpha});
        staging_.insert(staging_.end(), {float(x1), float(y1), 1.0f, 1.0f, 1.0f, alpha});
      };
      const Eigen::Vector2d c = m.window->center;
      constexpr int kDashes = 96;  // of a full circle: half of them drawn
      for (int i = 0; i < kDashes; i += 2) {
        const double a0 = 2 * std::numbers::pi * i / kDashes,
                     a1 = a0 + 2 * std::numbers::pi / kDashes;
        const double r = m.window->inner;
        segment(c.x() + r * std::cos(a0), c.y() + r * std::sin(a0), c.x() + r * std::cos(a1),
                c.y() + r * std::sin(a1), 0.8f);
      }
      // Lines y = x − k over the map's rectangle within the panel, less their part inside the
      // outer circle: x where (x − cx)² + (x − k − cy)² = R².
      const double xa = std::max(double(m.grid.x0), f.world.x0()),
                   xb = std::min(double(m.grid.x1), f.world.x1()),
                   ya = std::max(double(m.grid.y0), f.world.y0()),
                   yb = std::min(double(m.grid.y1), f.world.y1());
      const double step = 14 * f.line_scale * (2 * f.world.hh / f.rect.h) * std::sqrt(2.0);
      const double R = m.window->outer;
      for (double k = std::floor((xa - yb) / step) * step; k <= xb - ya; k += step) {
        const double lo = std::max(xa, ya + k), hi = std::min(xb, yb + k);
        if (!(lo < hi)) continue;
        const double b = c.x() + k + c.y();  // 2x² − 2bx + (cx² + (k + cy)² − R²) = 0
        const double disc = b * b - 2 * (c.x() * c.x() + (k + c.y()) * (k + c.y()) - R * R);
        if (disc <= 0) {
          segment(lo, lo - k, hi, hi - k, 0.35f);
          continue;
        }
        const double r0 = (b - std::sqrt(disc)) / 2, r1 = (b + std::sqrt(disc)) / 2;
        if (lo < std::min(hi, r0))
          segment(lo, lo - k, std::min(hi, r0), std::min(hi, r0) - k, 0.35f);
        if (std::max(lo, r1) < hi)
          segment(std::max(lo, r1), std::max(lo, r1) - k, hi, hi - k, 0.35f);
      }
      g.vertices.upload(staging_.data(), sizeof(float) * staging_.size());
      g.count = static_cast<GLsizei>(staging_.size() / 6);
    }
    painter.lines(g.vao, g.count);
  }

  struct Marks {
    render::VertexArray vao;
    render::Buffer vertices;
    GLsizei count = 0;
    std::array<double, 7> key{-1, 0, 0, 0, 0, 0, 0};  // map revision, view, pixel size
    bool made = false;
  };

  PerPanel<GridTexture> gpu_;
  PerPanel<Marks> marks_;
  std::vector<float> staging_;
};

}  // namespace

std::unique_ptr<Layer> make_model_density_layer() { return std::make_unique<ModelDensityLayer>(); }

}  // namespace scorelab::layers
