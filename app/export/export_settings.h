// What an export renders: output, size, rate, length and what is drawn, plus the timeline that
// turns a frame index into the animation's state. No GL here: the command line and the Export
// panel fill ExportSettings, ExportJob (export_job.h) renders it.
//
// Time is frame-indexed, never wall-clock: frame i's state (sampler steps taken, noise level of a
// sweep, training steps) is a function of i alone, so the same scene and seed give the same frames
// on any machine at any speed.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/scene/scene.h"

namespace scorelab::exporting {

// What a sweep walks, from the most noise to the least, while particles stay hidden.
enum class Sweep {
  Sigma,  // the noise std s from its largest to its smallest value in equal steps of log s
  Time,   // SDE time t from 1 to 0 in equal steps (for VE the same as Sigma)
};

inline constexpr int kDefaultSweepFrames = 120;
inline constexpr int kMaxFrames = 9999;  // ~5.5 minutes at 30 fps
// Image size, pixels per side: one range for the window (--size) and every export.
inline constexpr int kMinSide = 16, kMaxSide = 4096;

// How a GIF trades size for fidelity.
enum class GifQuality {
  Slide,  // fits a slide: kSlideColours colours, at most kSlideFrames frames unless --frames
  Full,   // 256 colours, every frame of the run (files 3 to 4 times larger)
};
inline constexpr int kSlideColours = 64;
inline constexpr int kSlideFrames = 80;

struct ExportSettings {
  std::string out;                // .gif, .mp4, .png (one picture), or a directory (PNG frames)
  int width = 800, height = 800;  // output pixels, kMinSide..kMaxSide each (MP4: even)
  double fps = 25;                // frames per second, [1, 50]
  // Length: 0 = until the sampler finishes, at the scene's ui.steps_per_frame (a slide-quality
  // GIF: spread over kSlideFrames frames when that takes more); N > 0 = N frames, and the
  // animation spans them (the whole sampler run, or the whole sweep).
  int frames = 0;
  GifQuality gif_quality = GifQuality::Slide;
  int gif_colours = 0;  // GIF palette colours, 2..256; 0 = by gif_quality
  std::optional<Sweep> sweep;  // animate the noise level instead of the particles
  // Samples through training: one frame per snapshot of a training history (the window's, or
  // the command line's own run), each the learned field and the fixed-seed learned particles
  // run to the end, at that step: the training scrubber as an animation. No sweep, no frame
  // count (the snapshots are the frames).
  bool through_training = false;
  // Training steps before each frame while the scene's ui.training is on (the learned field
  // evolves from the seeded initial weights, or from a start model).
  int train_steps_per_frame = 10;
  bool legend = true;   // colour bars
  bool caption = true;  // each panel's source and level
  std::string title;    // a line of text along the bottom ("" = none)
  std::array<float, 3> background{0.07f, 0.07f, 0.09f};  // RGB in [0, 1], behind every layer

  void validate() const;  // throws InputError naming the setting and its range
  int palette_colours() const;  // the GIF palette's colours
};

// A rough size of the output in bytes before anything is rendered (GIF: from the colours and the
// pixel count, measured on the shipped scenes, where the heatmap changes in every frame; within
// a factor of about 2), or 0 when there is no useful estimate.
double estimated_bytes(const ExportSettings& settings, int frames);

// The animation's state at each frame.
class Timeline {
 public:
  // Throws InputError when the length cannot be known (an adaptive sampler run "until it
  // finishes") or exceeds kMaxFrames. Through training, the frames are the history's
  // `snapshots` (a slide GIF: at most kSlideFrames of them, evenly spread).
  Timeline(const Scene& scene, const ExportSettings& settings, int snapshots = 0);

  int frames() const { return frames_; }
  // Sampler steps taken when frame i is drawn (frame 0: the initial particles; through training
  // every frame's run goes to its end).
  int sampler_steps(int i) const;
  // The panels' SDE time t at frame i of a sweep (none when not sweeping).
  std::optional<double> sweep_t(int i) const;
  // Through training: the index of the snapshot frame i shows (the first at frame 0, the last at
  // the last frame).
  int snapshot(int i) const;

 private:
  int frames_ = 1;
  int total_steps_ = 0;         // the sampler's steps in all
  double steps_per_frame_ = 0;  // until-finished mode: the scene's speed
  bool fit_ = false;            // N frames: steps spread evenly so the last frame is the end
  std::optional<Sweep> sweep_;
  bool through_training_ = false;
  int snapshots_ = 0;  // through training: the history's snapshots
  SdeParams sde_;
};

// Why the settings' sweep cannot be drawn for `scene`, if it cannot: a sweep moves one level, and
// small multiples across levels pin each panel's own. The command line, the Export panel and the
// export job all ask this one function.
std::optional<std::string> sweep_conflict(const Scene& scene, const ExportSettings& settings);

// The scene an export draws: `scene` with what the settings change (plot only, a sweep's hidden
// particles, training driven by the timeline).
Scene export_scene(Scene scene, const ExportSettings& settings);

// The checks every export's output passes before a frame is drawn (`scorelab export --out` and the
// window's `--export`): a known format by its extension, not one of `inputs`, not a device, and a
// file (a folder for a PNG sequence) in an existing directory. Throws InputError.
void check_export_output(const std::string& out, const std::vector<std::string>& inputs);

}  // namespace scorelab::exporting
