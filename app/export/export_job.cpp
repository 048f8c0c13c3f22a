// Rendering an export frame by frame (see export_job.h).
#include "app/export/export_job.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "app/render/colormap.h"
#include "app/widgets/widgets.h"
#include "app/layers/panel_overlay.h"
#include "app/view/camera.h"

namespace scorelab::exporting {

namespace {

constexpr int kQueueFrames = 3;  // frames waiting for the encoder (each W × H × 3 bytes)

const ExportSettings& validated(const Scene& scene, const ExportSettings& s) {
  s.validate();
  if (const auto why = sweep_conflict(scene, s)) throw InputError(*why);
  return s;
}

// Points, lines and text grow with the export so a 1920×1080 figure reads like the window does
// at 600 pixels high; never below the window's size.
float pixel_scale_for(const ExportSettings& s) {
  return std::clamp(float(std::min(s.width, s.height)) / 600.0f, 1.0f, 4.0f);
}

std::array<std::uint8_t, 3> rgb8(float r, float g, float b) {
  const auto c = [](float v) { return std::uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
  return {c(r), c(g), c(b)};
}

}  // namespace

std::vector<std::array<std::uint8_t, 3>> palette_hints(const Scene& scene,
                                                       const ExportSettings& settings) {
  std::vector<std::array<std::uint8_t, 3>> hints;
  const render::Palette palette = render::palette(scene);
  const float g = palette.heat_gain;
  const auto ramp = [&](Colormap map) {
    for (int i = 0; i < 64; ++i) {
      const auto c = render::colormap_rgb(map, float(i) / 63);
      hints.push_back(rgb8(g * c[0], g * c[1], g * c[2]));
    }
  };
  if (scene.layers.density.on) ramp(scene.layers.density.colormap);
  if (scene.layers.error.on) ramp(scene.layers.error.colormap);
  const auto p = palette.particle;
  hints.push_back(rgb8(p[0], p[1], p[2]));
  hints.push_back(rgb8(1, 1, 1));
  hints.push_back(rgb8(0, 0, 0));
  hints.push_back(rgb8(settings.background[0], settings.background[1], settings.background[2]));
  return hints;
}

ExportJob::ExportJob(const Scene& scene, const ExportSettings& settings,
                     std::shared_ptr<const Checkpoint> model, TrainingHistory history)
    : settings_(validated(scene, settings)),
      timeline_(scene, settings, int(history.snapshots().size())),
      pixel_scale_(pixel_scale_for(settings)),
      target_(settings.width, settings.height),
      overlay_(pixel_scale_, settings.height) {
  // The output is checked (and its temporary opened) before the first frame is drawn.
  const Scene drawn = export_scene(scene, settings);
  encode::SinkOptions options;
  options.path = settings.out;
  options.width = settings.width;
  options.height = settings.height;
  options.fps = settings.fps;
  options.palette_hints = palette_hints(drawn, settings);
  options.palette_colours = settings.palette_colours();
  const encode::Format format = encode::format_for_path(settings.out);
  // One picture is the timeline's last frame: the particles go straight to it, nothing before it
  // is drawn.
  if (format == encode::Format::Png) first_ = timeline_.frames() - 1;
  rendered_ = first_;
  auto sink = encode::open_sink(format, options);
  char description[128];
  const int frames = timeline_.frames() - first_;
  if (format == encode::Format::Png)
    std::snprintf(description, sizeof description, "%s %dx%d, 1 frame (frame %d of the run)",
                  encode::format_name(format), settings.width, settings.height,
                  timeline_.frames() - 1);
  else if (format == encode::Format::Gif)
    std::snprintf(description, sizeof description, "%s %dx%d, %d frames, %g fps, %d colours",
                  encode::format_name(format), settings.width, settings.height, frames,
                  settings.fps, settings.palette_colours());
  else
    std::snprintf(description, sizeof description, "%s %dx%d, %d frames, %g fps",
                  encode::format_name(format), settings.width, settings.height, frames,
                  settings.fps);
  description_ = description;
  app::RunMode mode;
  mode.scripted = true;
  // A single picture takes, before its one frame, the training steps of every frame it skips.
  mode.train_steps_per_frame = settings.train_steps_per_frame * (first_ + 1);
  ctx_ = std::make_unique<app::AppContext>(drawn, mode, std::move(model));
  if (settings.through_training) {
    for (const auto& snapshot : history.snapshots()) scrub_steps_.push_back(snapshot->step);
    ctx_->show_history(std::move(history));
  }
  worker_ = std::make_unique<encode::EncodeWorker>(std::move(sink), kQueueFrames);
}

ExportJob::~ExportJob() = default;

ExportProgress ExportJob::progress() const {
  ExportProgress p;
  p.rendered = rendered_ - first_;
  p.encoded = worker_->encoded();
  p.total = timeline_.frames() - first_;
  p.done = worker_->state() == encode::EncodeWorker::State::Done;
  return p;
}

ExportProgress ExportJob::advance(double budget_seconds) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  while (rendered_ < timeline_.frames() && worker_->has_room()) {
    render_next();
    if (std::chrono::duration<double>(Clock::now() - start).count() >= budget_seconds) break;
  }
  worker_->rethrow_failure();
  return progress();
}

ExportProgress ExportJob::step() {
  if (rendered_ < timeline_.frames())
    render_next();  // waits for room in the queue
  else
    worker_->wait();
  worker_->rethrow_failure();
  return progress();
}

void ExportJob::render_next() {
  encode::Image image;
  render_frame(rendered_, image);
  worker_->push(std::move(image));  // rethrows an encoder failure
  if (++rendered_ == timeline_.frames()) worker_->close();
}

void ExportJob::render_frame(int i, encode::Image& image) {
  // 1. The animation's state at frame i.
  if (const auto t = timeline_.sweep_t(i)) {
    Scene edit = ctx_->scene();
    edit.view.left.t = edit.view.right.t = *t;
    ctx_->submit(edit);
  }
  if (!scrub_steps_.empty()) {  // through training: the step's weights, its particles rerun
    Scene edit = ctx_->scene();
    edit.ui.scrub_step = int(scrub_steps_[std::size_t(timeline_.snapshot(i))]);
    ctx_->submit(edit);
  }
  ctx_->set_particle_target(timeline_.sampler_steps(i));

  // 2. Layout over the whole target (pixels; the overlay's coordinates), fields, overlay text.
  const Scene& s = ctx_->scene();
  const float w = float(settings_.width), h = float(settings_.height);
  overlay_.begin(settings_.width, settings_.height);
  // The title's band along the bottom is reserved: the panels (and their axes labels) end above
  // it, so it never covers them.
  const float lh = ImGui::GetTextLineHeight(), pad = 6 * pixel_scale_;
  const float band = settings_.title.empty() ? 0.0f : lh + 2 * pad;
  ctx_->update();
  // The camera as the window draws it: zoomed out to the particles where the view follows them.
  const view::PixelRect plot{0, 0, w, std::max(h - band, 1.0f)};
  const app::Particles& particles = ctx_->particles();
  const view::PanelLayout layout = view::layout_panels(
      particles.started() ? view::shown_view(s.view, plot, particles.display()) : s.view, plot);
  std::vector<layers::PanelFrame> frames;
  for (int p = 0; p < layout.count; ++p) {
    // Time is the frame index (scripted: no rate limits read it).
    frames.push_back(table_.frame(*ctx_, layout, p, double(i), pixel_scale_));
    table_.compute(frames.back());
  }
  layers::OverlayOptions options;
  options.legend = settings_.legend;
  options.caption = settings_.caption;
  options.scale = pixel_scale_;
  for (const layers::PanelFrame& f : frames) layers::panel_overlay(table_, f, options);
  if (!settings_.title.empty()) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    dl->AddRectFilled(ImVec2(0, h - band), ImVec2(w, h), IM_COL32(0, 0, 0, 150));
    const float tw = ImGui::CalcTextSize(settings_.title.c_str()).x;
    ui::outlined_text(dl, ImVec2(std::max(pad, 0.5f * (w - tw)), h - lh - pad),
                      settings_.title.c_str());
  }

  // 3. Draw: background, the panels' layers, the overlay; read back.
  target_.bind();
  glClearColor(settings_.background[0], settings_.background[1], settings_.background[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  for (layers::PanelFrame& f : frames) {
    const view::PixelRect& r = f.rect;
    // Framebuffer rows count from the bottom.
    const render::FramebufferRect fb{int(r.x), int(h - (r.y + r.h)), std::max(int(r.w), 1),
                                     std::max(int(r.h), 1)};
    table_.draw(painter_, f, fb, pixel_scale_);
  }
  glViewport(0, 0, settings_.width, settings_.height);
  overlay_.end();
  target_.read(image);
}

}  // namespace scorelab::exporting
