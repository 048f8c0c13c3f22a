// The Export section and the job's life cycle in the window (see export_panel.h).
#include "app/ui/export_panel.h"

#include <imgui.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "app/encode/frame_sink.h"
#include "app/export/export_job.h"
#include "app/widgets/widgets.h"
#include "core/common/error.h"

namespace scorelab::ui {

ExportPanel::ExportPanel() = default;
ExportPanel::~ExportPanel() = default;

namespace {

constexpr const char* kFormats[] = {"GIF", "MP4", "PNG frames (directory)", "PNG picture"};
constexpr const char* kExtensions[] = {".gif", ".mp4", "/", ".png"};  // of kFormats, in order

// The sweep an export length asks for, if any.
std::optional<exporting::Sweep> sweep_of(ExportLength length) {
  if (length == ExportLength::SweepSigma) return exporting::Sweep::Sigma;
  if (length == ExportLength::SweepTime) return exporting::Sweep::Time;
  return std::nullopt;
}

int format_index(const char* path) {
  try {
    switch (encode::format_for_path(path)) {
      case encode::Format::Gif:
        return 0;
      case encode::Format::Mp4:
        return 1;
      case encode::Format::PngSequence:
        return 2;
      case encode::Format::Png:
        return 3;
    }
  } catch (const InputError&) {
  }
  return -1;
}

// The path with its extension (or trailing '/') replaced by the format's.
void set_format(ExportPanel& p, int format) {
  std::string path = p.path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  const std::filesystem::path fs_path(path.empty() ? "scorelab" : path);
  std::string stem = (fs_path.parent_path() / fs_path.stem()).string();
  std::snprintf(p.path, sizeof p.path, "%s%s", stem.c_str(), kExtensions[format]);
}

}  // namespace

void export_section(const app::AppContext& ctx, const layers::LayerTable& table, ExportPanel& p) {
  const bool busy = p.job != nullptr;
  ImGui::BeginDisabled(busy);
  int format = format_index(p.path);
  if (ImGui::Combo("format", &format, kFormats, 4)) set_format(p, format);
  ImGui::InputText("output", p.path, sizeof p.path);
  int size[2] = {p.settings.width, p.settings.height};
  if (ImGui::InputInt2("size (px)", size)) {
    p.settings.width = size[0];
    p.settings.height = size[1];
  }
  float fps = float(p.settings.fps);
  if (ImGui::SliderFloat("frames/s", &fps, 1, 50, "%.0f")) p.settings.fps = fps;
  enum_combo("length", p.length);
  exporting::ExportSettings asked;  // only what sweep_conflict reads
  asked.sweep = sweep_of(p.length);
  if (const auto why = exporting::sweep_conflict(ctx.scene(), asked)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.75f, 0.3f, 1.0f));
    ImGui::TextWrapped("Cannot sweep: %s.", why->c_str());
    ImGui::PopStyleColor();
  }
  if (p.length == ExportLength::ThroughTraining) {
    const TrainerSnapshot* snap = ctx.training();
    ImGui::TextWrapped(
        "%zu frames: the training history's snapshots, each the learned field and "
        "the fixed-seed learned samples at its step.",
        snap ? snap->snapshots.snapshots().size() : std::size_t(0));
  } else if (p.length != ExportLength::UntilFinished) {
    int frames = p.settings.frames > 0 ? p.settings.frames : exporting::kDefaultSweepFrames;
    if (ImGui::InputInt("frames", &frames)) p.settings.frames = frames;
    p.settings.frames = frames;
  }
  if (ctx.scene().ui.training && p.length != ExportLength::ThroughTraining)
    ImGui::SliderInt("train/frame", &p.settings.train_steps_per_frame, 0, 200);
  if (format == 0) {  // GIF: fits a slide (64 colours, ≤ 80 frames) unless full quality
    bool full = p.settings.gif_quality == exporting::GifQuality::Full;
    if (ImGui::Checkbox("full quality (256 colours, every frame)", &full))
      p.settings.gif_quality = full ? exporting::GifQuality::Full : exporting::GifQuality::Slide;
  }

  // Layers: the view's until one is changed here.
  LayersConfig edit = p.custom_layers ? p.layers : ctx.scene().layers;
  bool layers_changed = false;
  // Checkboxes in a flow: each on the current line while it fits whole, otherwise on the next.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  bool first = true;
  for (const auto& layer : table.all()) {
    bool on = layer->on(edit);
    const std::string label(layer->label());
    const float w = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x +
                    ImGui::CalcTextSize(label.c_str()).x;
    if (!first) {
      ImGui::SameLine();
      if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
    }
    first = false;
    if (ImGui::Checkbox(label.c_str(), &on)) {
      layer->set_on(edit, on);
      layers_changed = true;
    }
  }
  if (layers_changed) {
    p.layers = edit;
    p.custom_layers = true;
  }
  if (p.custom_layers && ImGui::SmallButton("use the view's layers")) p.custom_layers = false;
  ImGui::ColorEdit3("background", p.settings.background.data(), ImGuiColorEditFlags_NoInputs);
  ImGui::SameLine();
  ImGui::Checkbox("legend", &p.settings.legend);
  ImGui::SameLine();
  ImGui::Checkbox("caption", &p.settings.caption);
  ImGui::InputText("title", p.title, sizeof p.title);
  ImGui::EndDisabled();

  if (!busy) {
    if (ImGui::Button("Export")) p.start_requested = true;
  } else {
    const exporting::ExportProgress pr = p.job->progress();
    char label[64];
    std::snprintf(label, sizeof label, "%d / %d frames", pr.encoded, pr.total);
    ImGui::ProgressBar(float(pr.encoded) / float(std::max(pr.total, 1)), ImVec2(-1, 0), label);
    if (ImGui::Button("Cancel")) p.cancel_requested = true;
  }
  if (!p.result.empty()) ImGui::TextWrapped("%s", p.result.c_str());
}

void run_export(app::AppContext& ctx, ExportPanel& p, double budget_seconds) {
  if (p.cancel_requested && p.job) {
    p.job.reset();  // removes the temporary output
    p.result = "cancelled; nothing was written";
    ctx.report(app::StatusMessage::Kind::Info, "export " + p.result);
  }
  p.cancel_requested = false;
  if (p.start_requested && !p.job) {
    p.start_requested = false;
    exporting::ExportSettings s = p.settings;
    s.out = p.path;
    s.title = p.title;
    s.through_training = p.length == ExportLength::ThroughTraining;
    if (p.length == ExportLength::UntilFinished || s.through_training) s.frames = 0;
    s.sweep = sweep_of(p.length);
    Scene scene = ctx.scene();
    if (p.custom_layers) scene.layers = p.layers;
    if (s.train_steps_per_frame == 0) scene.ui.training = false;
    // The learned field starts where the window's training is now, not from fresh weights.
    std::shared_ptr<const Checkpoint> start;
    if (ctx.training() && ctx.training()->model)
      start = std::make_shared<const Checkpoint>(
          checkpoint_of_snapshot(*ctx.training()->model, ctx.scene()));
    try {
      // Through training: the window's history as it is now (pointers to its snapshots).
      p.job = std::make_unique<exporting::ExportJob>(
          scene, s, start,
          s.through_training && ctx.training() ? ctx.training()->snapshots : TrainingHistory{});
      p.result.clear();
      p.failed = false;
    } catch (const InputError& e) {
      p.failed = true;
      p.result = std::string("not exported: ") + e.what();
      ctx.report(app::StatusMessage::Kind::Error, p.result);
    }
  }
  p.start_requested = false;
  if (!p.job) return;
  try {
    const exporting::ExportProgress pr = p.job->advance(budget_seconds);
    if (pr.done) {
      p.result = "wrote " + p.job->description() + " -> " + p.path;
      ctx.report(app::StatusMessage::Kind::Info, p.result);
      p.job.reset();
    }
  } catch (const InputError& e) {
    p.job.reset();
    p.failed = true;
    p.result = std::string("export failed, nothing was written: ") + e.what();
    ctx.report(app::StatusMessage::Kind::Error, p.result);
  }
}

}  // namespace scorelab::ui
