// The model-density layer: the learned model's own log p on the panel's grid, through the
// probability-flow ODE (app/state/model_density.h runs it as a background job), drawn on learned
// panels in place of the data's exact density with the same colormap, contours and locked scale,
// so an exact panel and a learned panel compare side by side.
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
#include "app/state/model_density.h"
#include "core/likelihood/likelihood.h"
#include "core/scene/exact_score.h"

namespace scorelab::layers {

namespace {

struct PanelState {
  app::ModelDensity density;
  long seen_requests = 0, seen_cancels = 0;
  bool started = false;  // the first (automatic) computation was asked for
  std::string error;
  GridTexture gpu;
};

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
    if (!shown(f)) return;
    PanelState& st = state_[f.panel];
    const app::AppContext& ctx = f.ctx;
    if (ctx.model_density_cancels() != st.seen_cancels) {
      st.seen_cancels = ctx.model_density_cancels();
      st.density.cancel();
    }
    const bool asked = ctx.model_density_requests() != st.seen_requests;
    const auto* snap = ctx.training();
    if ((asked || !st.started) && snap && snap->model) {
      st.seen_requests = ctx.model_density_requests();
      st.started = true;
      st.error.clear();
      const Scene& s = ctx.scene();
      const auto& cfg = s.layers.model_density;
      app::ModelDensityRequest r;
      r.grid = grid_over(f.world, cfg.resolution);
      r.model = snap->model;
      r.ema = s.ui.use_ema;
      r.sde = s.noise.sde;
      r.tol = cfg.tol;
      r.eps = app::model_density_eps(s.noise.sde, ctx.panel(f.panel).level.t);
      r.nll_points = cfg.nll_points;
      r.data = make_data_source(s.data);
      r.seed = s.seed ^ 0x6d6f64656cULL;  // its own stream: the same draws for any map
      st.density.start(runner(), std::move(r));
    }
    if (ctx.mode().scripted) st.density.wait();
    if (st.density.poll(&st.error)) {
      // The exact NLL of the same draws at the same level, here on the UI thread (the exact
      // model belongs to it).
      app::ModelDensityMap& m = *st.density.map();
      if (m.held_out.cols() > 0 && ctx.exact().has_log_density()) {
        Values lp;
        ctx.exact().log_density(m.held_out, Sde(ctx.scene().noise.sde).level(m.eps), lp);
        m.nll_exact = mean_nll(lp);
      }
    }
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!shown(f)) return;
    PanelState& st = state_[f.panel];
    const app::ModelDensityMap* m = st.density.map();
    if (!m) return;
    st.gpu.update(m->grid, m->log_p, m->revision);
    const auto& cfg = f.layers().density;
    const app::DensityRange r = range(f, *m);
    painter.field(st.gpu.texture, m->grid, r.lo, r.hi, cfg.colormap, 1.0f, /*fill=*/true,
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
    const PanelState& st = state(f);
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
  static Grid grid_over(const view::WorldRect& r, int across) {
    const double aspect = r.hw / r.hh;
    const int nx = aspect >= 1 ? across : std::max(2, int(std::lround(across * aspect)));
    const int ny = aspect >= 1 ? std::max(2, int(std::lround(across / aspect))) : across;
    return {r.x0(), r.y0(), r.x1(), r.y1(), nx, ny};
  }
  app::JobRunner& runner() {
    if (!runner_) runner_ = std::make_unique<app::JobRunner>();
    return *runner_;
  }
  const PanelState& state(const PanelFrame& f) const { return state_[f.panel]; }

  // Mutable: a panel's state is made on first use, which may be a const legend or overlay call.
  mutable PerPanel<PanelState> state_;
  std::unique_ptr<app::JobRunner> runner_;  // its worker thread starts on first use
};

}  // namespace

std::unique_ptr<Layer> make_model_density_layer() { return std::make_unique<ModelDensityLayer>(); }

}  // namespace scorelab::layers
