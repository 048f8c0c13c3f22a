// The particles layer: the sampler's particles as dots in a colour that stands out on the heatmap,
// and their trails (the trails row of the table holds their settings: trails_layer.cpp). Both are
// painted into one canvas per panel and drawn in one pass (particle_canvas.h).
//
// Trails: the first `trail_particles` particles leave trails that fade over `trail` particle
// updates. Every update adds only its newest segment to the canvas, so a frame costs one segment
// per particle plus one pass, whatever the trail length. A panel's trails are cleared when what
// they show no longer holds: the view moved (pan, zoom, fit, a split), the panel's size changed,
// the sampler restarted, or the tracked count changed.
#include "app/layers/layer.h"
#include "app/layers/particle_canvas.h"
#include "app/widgets/widgets.h"

#include <algorithm>
#include <array>

namespace scorelab::layers {

namespace {

// Trail segments longer than this (framebuffer pixels, before the UI scale) are left out: at high
// noise particles leap across the view, which shows no local motion.
constexpr float kMaxSegmentPx = 48;

class ParticlesLayer final : public Layer {
 public:
  std::string_view label() const override { return "particles"; }
  int key() const override { return 7; }
  bool on(const LayersConfig& l) const override { return l.particles.on; }
  void set_on(LayersConfig& l, bool on) const override { l.particles.on = on; }
  bool widgets(LayersConfig& l) const override {
    return ui::slider("size", l.particles.point_size, 1, 20, "%.1f");
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const app::PanelView& view = f.ctx.panel(f.panel);
    if (!view.shows_particles) return;  // never over a field at another level
    const app::Particles& parts = f.ctx.particles(view.run);
    const ParticlesLayerSettings& cfg = f.layers().particles;
    const bool trails = cfg.trail > 0;
    Recording& rec = recordings_[std::size_t(view.run)];
    if (trails) rec.record(parts, cfg, next_id_);

    Panel& p = panels_[f.panel];
    const render::FramebufferRect& fb = painter.panel_rect();
    const float size_px = float(cfg.point_size) * painter.pixel_scale();
    const render::Palette& palette = painter.current_palette();
    // A rim a fifth of the diameter (at least a pixel): the dot's own colour stays its centre.
    const float rim_px = palette.particle_rim[3] > 0 ? std::max(1.0f, 0.2f * size_px) : 0.0f;
    const bool refit = p.canvas.fit(fb.w, fb.h, f.world);

    // Trails: the newest segment, once per particle update, into a canvas of this run.
    if (trails) {
      if (refit || p.run != rec.id || p.tracked != rec.tracked) {
        if (!refit) p.canvas.clear_trails();
        p.run = rec.id;
        p.tracked = rec.tracked;
        p.updates = 0;
        p.stamped = rec.revision;  // the segment that led here was drawn in another view: not shown
      }
      if (p.stamped != rec.revision) {
        p.stamped = rec.revision;
        if (rec.has_segment)
          p.canvas.stamp_segments(rec.previous, rec.newest, float(++p.updates),
                                  kMaxSegmentPx * painter.pixel_scale());
      }
    }
    // Dots: repainted when the particles, the view or the dot's size changed.
    if (refit || p.painted != parts.revision() || p.painted_run != view.run ||
        p.size_px != size_px || p.rim_px != rim_px) {
      p.canvas.paint_dots(parts.display(), size_px, rim_px);
      p.painted = parts.revision();
      p.painted_run = view.run;
      p.size_px = size_px;
      p.rim_px = rim_px;
    }

    ParticleCanvas::Style style;
    style.dot = palette.particle;
    style.rim = palette.particle_rim;
    style.trail = palette.particle;
    style.trail[3] = 0.6f;
    style.now = float(p.updates);
    style.length = trails && p.updates > 0 ? float(cfg.trail) : 0.0f;
    p.canvas.draw(painter, style);
  }

  // A finished run says so and what starts the next (once, on the left or only panel).
  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    const app::PanelView& view = f.ctx.panel(f.panel);
    if (f.panel != 0 || !view.shows_particles || !f.ctx.runs_finished()) return {};
    if (f.ctx.mode().scripted) return {};  // exports and screenshots show the picture only
    return {{"run finished: Space or R starts another run", IM_COL32(255, 230, 120, 255)}};
  }

 private:
  // The two newest particle updates of one particle run's tracked particles. A restart, a step
  // back or a new tracked count starts a new recording (a new id, from one counter for all runs,
  // so a panel that changes run starts its trails anew) without a segment.
  struct Recording {
    void record(const app::Particles& parts, const ParticlesLayerSettings& cfg, long& next_id) {
      if (parts.revision() == revision) return;
      revision = parts.revision();
      const Points& x = parts.display();
      const int count = static_cast<int>(std::min<Index>(cfg.trail_particles, x.cols()));
      const bool same_run = count == tracked && parts.generation() == generation &&
                            parts.steps_taken() >= last_steps && id >= 0;
      if (!same_run) id = next_id++;
      has_segment = same_run;
      tracked = count;
      generation = parts.generation();
      last_steps = parts.steps_taken();
      previous.swap(newest);
      newest = x.leftCols(count);
    }
    long id = -1;  // this recording's run of updates
    int tracked = 0, last_steps = 0;
    Points previous, newest;   // 2 × tracked: the two newest particle updates, data units
    bool has_segment = false;  // previous holds the previous update of this recording
    long revision = -1, generation = -1;
  };

  // One panel's canvas; `run` and `tracked` say what its trails were drawn for.
  struct Panel {
    ParticleCanvas canvas;
    long run = -1;
    int tracked = -1;
    long stamped = -1;  // the particle revision whose segment is in the canvas
    int updates = 0;    // particle updates stamped since the trails were cleared
    long painted = -1;  // the particle revision the dots show
    int painted_run = 0;  // of that run
    float size_px = 0, rim_px = 0;
  };
  PerPanel<Panel> panels_;
  std::array<Recording, 2> recordings_;  // per particle run (PanelView::run)
  long next_id_ = 0;
};

}  // namespace

std::unique_ptr<Layer> make_particles_layer() { return std::make_unique<ParticlesLayer>(); }

}  // namespace scorelab::layers
