// The Export section of the side panel: format, path, size, frame rate, length, layers,
// background, legend and caption; Start, then a progress bar with Cancel while the job renders a
// few frames per UI frame (the window stays responsive; the encoder has its own thread).
#pragma once
#include <memory>
#include <string>

#include "app/export/export_settings.h"
#include "core/common/enum_table.h"
#include "app/layers/layer_table.h"
#include "app/state/app_context.h"

namespace scorelab::exporting {
class ExportJob;
}

namespace scorelab::ui {

// How long the export runs: the sampler's run (until it finishes, or spread over N frames), or a
// sweep of the noise level with the particles hidden.
// Or the training history, one frame per snapshot (samples through training).
enum class ExportLength { UntilFinished, Frames, SweepSigma, SweepTime, ThroughTraining };

}  // namespace scorelab::ui

namespace scorelab {
template <>
struct EnumTable<ui::ExportLength> {
  static constexpr std::string_view what = "export length";
  static constexpr EnumName<ui::ExportLength> names[] = {
      {ui::ExportLength::UntilFinished, "until_finished", "until the sampler finishes"},
      {ui::ExportLength::Frames, "frames", "N frames (the run spans them)"},
      {ui::ExportLength::SweepSigma, "sweep_sigma", "sweep sigma (max -> min)"},
      {ui::ExportLength::SweepTime, "sweep_time", "sweep SDE time (1 -> 0)"},
      {ui::ExportLength::ThroughTraining, "through_training",
       "samples through training (a frame per snapshot)"}};
};
}  // namespace scorelab

namespace scorelab::ui {

// The form's values and the running job (not saved in the scene).
struct ExportPanel {
  ExportPanel();
  ~ExportPanel();

  exporting::ExportSettings settings;  // size, fps, frames, legend, caption, background, ...
  char path[512] = "scorelab.gif";
  char title[256] = "";
  ExportLength length = ExportLength::UntilFinished;
  bool custom_layers = false;  // false: the layers the view shows
  LayersConfig layers;         // the export's own layers once edited here
  bool start_requested = false, cancel_requested = false;
  int open = 0;  // > 0: open the section and scroll to it for that many frames
  std::unique_ptr<exporting::ExportJob> job;
  std::string result;  // the last export's outcome, shown under the buttons
  bool failed = false;  // the last export was refused or failed (a scripted --export exits 1)
};

// The form (inside the side panel's ImGui window).
void export_section(const app::AppContext& ctx, const layers::LayerTable& table,
                    ExportPanel& panel);

// Called by the main loop outside any ImGui frame: starts a requested export (with the scene as it
// is now), advances a running one for at most `budget_seconds`, and reports the outcome.
void run_export(app::AppContext& ctx, ExportPanel& panel, double budget_seconds);

}  // namespace scorelab::ui
