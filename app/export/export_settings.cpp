// Export settings and the frame-indexed timeline (see export_settings.h).
#include "app/export/export_settings.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/encode/frame_sink.h"
#include "app/state/app_context.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/sample/sampler_registry.h"

namespace scorelab::exporting {

void ExportSettings::validate() const {
  require_in_range("export width", width, kMinSide, kMaxSide);
  require_in_range("export height", height, kMinSide, kMaxSide);
  if (gif_colours != 0) require_in_range("export GIF colours", gif_colours, 2, 256);
  require_in_range("export fps", fps, 1, 50);
  require_in_range("export frames", frames, 0, kMaxFrames);
  require_in_range("export training steps per frame", train_steps_per_frame, 0, 10000);
  for (float c : background) require_in_range("export background", c, 0, 1);
  if (out.empty()) throw InputError("export: no output path");
  if (through_training && sweep)
    throw InputError(
        "export through training animates the training steps; it cannot also sweep "
        "the noise level");
  if (through_training && frames > 0)
    throw InputError(
        "export through training has one frame per recorded snapshot; it takes no "
        "frame count");
}

int ExportSettings::palette_colours() const {
  if (gif_colours != 0) return gif_colours;
  return gif_quality == GifQuality::Slide ? kSlideColours : 256;
}

double estimated_bytes(const ExportSettings& settings, int frames) {
  const double pixels = double(settings.width) * settings.height;
  switch (encode::format_for_path(settings.out)) {
    case encode::Format::Gif: {
      // LZW output per pixel of a changing frame, measured: 0.27 bytes at 256 colours, about
      // 0.045 bytes per bit of colour index.
      const double bits = std::log2(double(std::max(2, settings.palette_colours())));
      return pixels * frames * 0.034 * bits;
    }
    case encode::Format::Png: return pixels * 1.0;
    case encode::Format::PngSequence: return pixels * frames * 1.0;
    case encode::Format::Mp4: return pixels * frames * 0.07;
  }
  return 0;
}

Timeline::Timeline(const Scene& scene, const ExportSettings& settings, int snapshots)
    : sweep_(settings.sweep), through_training_(settings.through_training), sde_(scene.noise.sde) {
  if (sweep_) {
    frames_ = settings.frames > 0 ? settings.frames : kDefaultSweepFrames;
    return;
  }
  total_steps_ = make_sampler(scene.sampler, scene.noise.schedule, scene.noise.sde)->total_steps();
  // A slide GIF keeps to its frame budget: a longer run is spread over kSlideFrames frames.
  const bool slide_gif = settings.gif_quality == GifQuality::Slide &&
                         encode::format_for_path(settings.out) == encode::Format::Gif;
  if (through_training_) {
    if (snapshots < 1)
      throw InputError("export through training: the training history is empty (train first)");
    snapshots_ = snapshots;
    frames_ = slide_gif ? std::min(snapshots, kSlideFrames) : snapshots;
    return;
  }
  if (settings.frames > 0) {
    frames_ = settings.frames;
    fit_ = true;
    if (total_steps_ < 0)
      throw InputError(
          "this sampler (adaptive RK45) has no step count known in advance, so a "
          "fixed number of frames cannot span its run: choose another ODE method");
    return;
  }
  if (total_steps_ < 0)
    throw InputError(
        "this sampler (adaptive RK45) has no step count known in advance: give the "
        "number of frames, or choose another ODE method");
  steps_per_frame_ = scene.ui.steps_per_frame;
  const double needed = std::ceil(total_steps_ / steps_per_frame_ - 1e-9) + 1;
  if (slide_gif && needed > kSlideFrames) {
    frames_ = kSlideFrames;
    fit_ = true;
    return;
  }
  if (needed > kMaxFrames)
    throw InputError("running the sampler to the end at " + std::to_string(steps_per_frame_) +
                     " steps per frame takes " + std::to_string(long(needed)) +
                     " frames, more than " + std::to_string(kMaxFrames) +
                     ": give the number of frames (the run is then spread over them)");
  frames_ = static_cast<int>(needed);
}

int Timeline::sampler_steps(int i) const {
  if (sweep_) return 0;
  // To the end: an adaptive run's count is not known, and stepping stops once it finishes.
  if (through_training_) return total_steps_ >= 0 ? total_steps_ : std::numeric_limits<int>::max();
  if (fit_) {
    if (frames_ == 1) return 0;
    return static_cast<int>(std::lround(double(total_steps_) * i / (frames_ - 1)));
  }
  return std::min(total_steps_, static_cast<int>(std::floor(i * steps_per_frame_ + 1e-9)));
}

std::optional<double> Timeline::sweep_t(int i) const {
  if (!sweep_) return std::nullopt;
  const double u = frames_ == 1 ? 0.0 : double(i) / (frames_ - 1);  // 0 first, 1 last
  const Sde sde(sde_);
  if (*sweep_ == Sweep::Time) return 1.0 - u;
  // Equal steps of log s from s(1) down to max(s(0), floor).
  const double s_hi = sde.level(1.0).s;
  const double s_lo = std::min(s_hi, std::max(sde.level(0.0).s, app::kMinFieldStd));
  return sde.time_of_std(s_hi * std::pow(s_lo / s_hi, u));
}

int Timeline::snapshot(int i) const {
  if (frames_ == snapshots_) return i;  // else frames_ = kSlideFrames ≥ 2
  return static_cast<int>(std::lround(double(snapshots_ - 1) * i / (frames_ - 1)));
}

std::optional<std::string> sweep_conflict(const Scene& scene, const ExportSettings& settings) {
  if (settings.sweep && scene.view.multiples.on &&
      scene.view.multiples.across == MultiplesAcross::Levels)
    return "a sweep moves one level, but the small multiples across levels show fixed levels "
           "(across SDEs, a sweep moves every panel)";
  return std::nullopt;
}

Scene export_scene(Scene scene, const ExportSettings& settings) {
  scene.ui.show_panels = false;  // the plot only
  scene.ui.show_help = false;
  scene.ui.playing = false;  // the timeline moves the particles
  if (settings.sweep) {
    scene.layers.particles.on = false;
    scene.ui.follow_sampler = false;
  }
  if (settings.through_training) {
    // The history is given (ExportJob): nothing trains. The particles are the learned model's
    // samples, and a one-panel view shows the learned field.
    scene.ui.training = false;
    scene.ui.particle_source = FieldSource::Learned;
    if (!scene.view.split && !scene.view.multiples.on)
      scene.view.left.source = FieldSource::Learned;
  }
  return scene;
}

void check_export_output(const std::string& out, const std::vector<std::string>& inputs) {
  check_output(out, inputs,
               encode::format_for_path(out) == encode::Format::PngSequence ? OutputKind::Directory
                                                                           : OutputKind::File);
}

}  // namespace scorelab::exporting
