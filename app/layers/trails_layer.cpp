// The trails layer: the last `trail` frames of the first `trail_particles` particles, fading with
// age. Positions go into a ring of frames in a texture buffer, one new frame per particle update
// (shared by both panels); the vertex shader joins consecutive frames.
#include "app/layers/layer.h"
#include "app/layers/widgets.h"

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

  void draw(render::Painter& painter, PanelFrame& f) override {
    if (!f.layers().particles.on) return;  // trails belong to visible particles
    if (!gpu_) {
      gpu_ = std::make_unique<Gpu>();
      glGenTextures(1, &gpu_->texture);
    }
    record(f.ctx.particles(), f.layers().particles);
    auto color = render::particle_color(f.layers());
    color[3] = 0.6f;
    painter.trails(gpu_->texture, tracked_, capacity_,
                   (head_ - frames_ + capacity_) % std::max(capacity_, 1), frames_, color);
  }

 private:
  // One new frame into the ring per particle update; a restart or new settings start it empty.
  void record(const app::Particles& parts, const LayersConfig::Particles& cfg) {
    if (parts.revision() == revision_) return;
    revision_ = parts.revision();
    const Points& x = parts.display();
    const int tracked = static_cast<int>(std::min<Index>(cfg.trail_particles, x.cols()));
    const int capacity = cfg.trail + 1;
    if (tracked != tracked_ || capacity != capacity_ || parts.generation() != generation_ ||
        parts.steps_taken() < last_steps_) {
      tracked_ = tracked;
      capacity_ = capacity;
      generation_ = parts.generation();
      head_ = frames_ = 0;
      gpu_->ring.reserve(sizeof(float) * 2 * std::max(1, tracked) * capacity);
      glBindTexture(GL_TEXTURE_BUFFER, gpu_->texture);
      glTexBuffer(GL_TEXTURE_BUFFER, GL_RG32F, gpu_->ring.id());
    }
    last_steps_ = parts.steps_taken();
    if (tracked > 0) {
      gpu_->ring.write(sizeof(float) * 2 * tracked * head_, x.data(), sizeof(float) * 2 * tracked);
      head_ = (head_ + 1) % capacity;
      frames_ = std::min(frames_ + 1, capacity);
    }
  }

  struct Gpu {
    render::Buffer ring{GL_TEXTURE_BUFFER};
    GLuint texture = 0;
    ~Gpu() { glDeleteTextures(1, &texture); }
  };
  std::unique_ptr<Gpu> gpu_;
  int tracked_ = 0, capacity_ = 0, head_ = 0, frames_ = 0, last_steps_ = 0;
  long revision_ = -1, generation_ = -1;
};

}  // namespace

std::unique_ptr<Layer> make_trails_layer() { return std::make_unique<TrailsLayer>(); }

}  // namespace scorelab::layers
