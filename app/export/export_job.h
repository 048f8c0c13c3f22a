// ExportJob: renders an export frame by frame into an offscreen target and hands the frames to an
// encoder thread. It owns its own AppContext (a copy of the scene in scripted mode: frame-indexed,
// training stepped synchronously), its own Painter, layer table and ImGui overlay context, so an export from
// the window never disturbs what the window shows, and the command line runs the same code.
//
// The GL thread calls advance() repeatedly: the window with a small time budget per UI frame (the
// UI stays responsive), the command line in a loop. Destroying an unfinished job cancels it and
// leaves no file behind.
#pragma once
#include <memory>
#include <string>

#include "app/encode/encode_worker.h"
#include "app/encode/frame_sink.h"
#include "app/export/export_settings.h"
#include "app/export/offscreen.h"
#include "app/export/overlay_context.h"
#include "app/layers/layer_table.h"
#include "app/render/painter.h"
#include "app/state/app_context.h"

namespace scorelab::exporting {

struct ExportProgress {
  int rendered = 0, encoded = 0, total = 1;
  bool done = false;  // the output is complete and in place
};

class ExportJob {
 public:
  // Needs a current GL 3.3 context. Checks the settings and the output (path, size, ffmpeg for
  // MP4) before anything is rendered; throws InputError naming the problem. Through training
  // (settings.through_training) frame i shows snapshot i of `history`.
  ExportJob(const Scene& scene, const ExportSettings& settings,
            std::shared_ptr<const Checkpoint> model = nullptr, TrainingHistory history = {});
  ~ExportJob();

  // Renders frames while the encoder has room, for at most `budget_seconds` (at least one frame
  // when there is room). Returns the progress; throws InputError if the encoder failed.
  ExportProgress advance(double budget_seconds);
  // For the command line: renders the next frame (waiting for room in the encoder's queue) or,
  // once every frame is rendered, waits for the encoder to complete the output.
  ExportProgress step();
  ExportProgress progress() const;
  const std::string& description() const { return description_; }  // "GIF 800x800, 80 frames, …"
  int frames() const { return timeline_.frames() - first_; }          // frames it renders

 private:
  void render_next();  // the next frame, to the encoder (closing it after the last)
  void render_frame(int i, encode::Image& image);

  ExportSettings settings_;
  Timeline timeline_;
  std::string description_;
  std::unique_ptr<app::AppContext> ctx_;
  float pixel_scale_ = 1;  // sizes of points, lines and text relative to the window's
  render::Painter painter_;
  layers::LayerTable table_;
  OffscreenTarget target_;
  OverlayContext overlay_;
  std::unique_ptr<encode::EncodeWorker> worker_;
  std::vector<long> scrub_steps_;  // through training: frame i's training step
  int first_ = 0;     // the first frame of the timeline that is rendered (a .png: the last)
  int rendered_ = 0;  // the next frame of the timeline to render
};

// Colours a GIF palette should keep smooth for this scene: its colormap ramps, the particle and
// data colours, the background.
std::vector<std::array<std::uint8_t, 3>> palette_hints(const Scene& scene,
                                                       const ExportSettings& settings);

}  // namespace scorelab::exporting
