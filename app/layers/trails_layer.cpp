// The trails layer: the first `trail_particles` particles leave trails that fade over `trail`
// particle updates. Each panel keeps a persistent canvas (a float texture the panel's size): every
// particle update draws only the newest segment of each trail into it, stamped with the update's
// number, and every frame one pass over the panel turns stamps into colour by their age. A frame
// costs one segment per particle plus one pass over the panel, whatever the trail length.
//
// A panel's canvas is cleared when what it shows no longer holds: the view moved (pan, zoom, fit,
// a split), the panel's size changed, the sampler restarted, or the trail settings changed.
#include "app/layers/layer.h"
#include "app/layers/widgets.h"

namespace scorelab::layers {

namespace {

bool same_view(const view::WorldRect& a, const view::WorldRect& b) {
  return a.cx == b.cx && a.cy == b.cy && a.hw == b.hw && a.hh == b.hh;
}

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

  void draw(render::Painter& painter, PanelFrame& f) override {
    // Trails belong to visible particles (none in small multiples: PanelView::shows_particles).
    if (!f.layers().particles.on || !f.ctx.panel(f.panel).shows_particles) return;
    if (!gpu_) gpu_ = std::make_unique<Gpu>();
    record(f.ctx.particles(), f.layers().particles);

    Canvas& c = canvases_[f.panel];
    const render::FramebufferRect& fb = painter.panel_rect();
    const bool resized = c.pixels.resize(fb.w, fb.h);
    if (resized || c.run != run_ || !same_view(c.world, f.world) || c.tracked != tracked_) {
      if (!resized) c.pixels.clear();
      c.run = run_;
      c.world = f.world;
      c.tracked = tracked_;
      c.updates = 0;
      c.seen = revision_;  // the segment that led here was drawn in another view: not shown
    }
    if (c.seen != revision_) {
      c.seen = revision_;
      if (has_segment_) {
        ++c.updates;
        painter.trail_segments(c.pixels, gpu_->segments[newest_], tracked_, float(c.updates));
      }
    }
    auto color = painter.current_palette().particle;
    color[3] = 0.6f;
    if (c.updates > 0)
      painter.trail_fade(c.pixels, float(c.updates), float(f.layers().particles.trail), color);
  }

 private:
  // Keeps the two newest particle updates (of the tracked particles) on the GPU, alternating
  // between two buffers; a restart, a step back or a new tracked count starts without a segment.
  void record(const app::Particles& parts, const LayersConfig::Particles& cfg) {
    if (parts.revision() == revision_) return;
    revision_ = parts.revision();
    const Points& x = parts.display();
    const int tracked = static_cast<int>(std::min<Index>(cfg.trail_particles, x.cols()));
    const bool same_run = tracked == tracked_ && parts.generation() == generation_ &&
                          parts.steps_taken() >= last_steps_ && revision_seen_ > 0;
    if (!same_run) ++run_;
    has_segment_ = same_run;
    tracked_ = tracked;
    generation_ = parts.generation();
    last_steps_ = parts.steps_taken();
    ++revision_seen_;
    newest_ ^= 1;
    if (tracked > 0) gpu_->positions[newest_].upload(x.data(), sizeof(float) * 2 * tracked);
  }

  struct Gpu {
    render::Buffer positions[2];      // 2 × tracked floats each: the two newest updates
    render::VertexArray segments[2];  // segments[i]: from positions[1 − i] to positions[i]
    Gpu() {
      for (auto& p : positions) p.reserve(1024);
      render::Painter::make_segment_layout(segments[0], positions[1], positions[0]);
      render::Painter::make_segment_layout(segments[1], positions[0], positions[1]);
    }
  };
  // One panel's trail picture; `run`, `world` and `tracked` say what it was drawn for.
  struct Canvas {
    render::FloatCanvas pixels;
    long run = -1;
    view::WorldRect world{};
    int tracked = -1;
    long seen = -1;    // the particle revision whose segment is in the canvas
    int updates = 0;   // particle updates stamped since the canvas was cleared
  };
  std::unique_ptr<Gpu> gpu_;
  PerPanel<Canvas> canvases_;
  int tracked_ = 0, last_steps_ = 0, newest_ = 0;
  bool has_segment_ = false;  // positions[1 − newest_] holds the previous update of this run
  long revision_ = -1, generation_ = -1, run_ = 0, revision_seen_ = 0;
};

}  // namespace

std::unique_ptr<Layer> make_trails_layer() { return std::make_unique<TrailsLayer>(); }

}  // namespace scorelab::layers
