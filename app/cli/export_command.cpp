// `scorelab export` (see export_command.h): flags → ExportSettings, a hidden GL context, the job
// loop with progress on stderr, and Ctrl-C / SIGTERM as a clean cancel (no file left behind).
#include "app/cli/export_command.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <tuple>

#include "app/cli/cancel.h"
#include "app/cli/model_flag.h"
#include "app/encode/frame_sink.h"
#include "app/export/export_job.h"
#include "app/layers/layer_table.h"
#include "app/render/gl_context.h"
#include "core/common/error.h"
#include "core/common/atomic_file.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"
#include "core/scene/limits.h"

namespace scorelab::exporting {

namespace {

using cli::Flags;
using cli::FlagSpec;
using cli::UsageError;

constexpr FlagSpec kExportFlags[] = {
    {"--scene", "FILE", "scene file (JSON); default: the built-in default scene"},
    {"--out", "PATH",
     "anim.gif, anim.mp4, picture.png (the last frame, the only one drawn),\n"
     "or a directory for PNG frames (a path ending in '/' or without\n"
     "extension) (required)"},
    {"--size", "WxH", "output size in pixels, 16 to 4096 each (MP4: even); default 800x800"},
    {"--fps", "F", "frames per second, 1 to 50; default 25"},
    {"--frames", "N",
     "number of frames, 1 to 9999; the sampler run (or the sweep) is spread\n"
     "over them. Default: until the sampler finishes at the scene's\n"
     "steps_per_frame, a GIF at most 80 frames (a sweep: 120 frames)"},
    {"--layers", "LIST",
     "the layers drawn, comma-separated, all others off: data, density,\n"
     "contours, score (arrows), streamlines, error, particles, trails, axes;\n"
     "default: the scene's \"layers\" block"},
    {"--source", "SOURCE",
     "the score the field layers show: exact or learned in one panel, or two\n"
     "panels side by side as left,right (e.g. exact,learned), in place of any\n"
     "small multiples; default: the scene's \"view\" block (small multiples\n"
     "included: one picture of every panel)"},
    {"--quality", "slide|full",
     "GIF: slide (default) fits a slide: 64 colours and at most 80 frames\n"
     "unless --frames; full: 256 colours and every frame (3-4x larger)"},
    {"--colors", "N", "GIF palette colours, 2 to 256 (default: by --quality)"},
    {"--sweep", "sigma|t",
     "animate the noise level instead of the particles: sigma from its\n"
     "largest to its smallest value in equal log steps, or SDE time t 1 -> 0"},
    {"--through-training", "STEPS",
     "samples through training: train STEPS steps, 1 to 1000000 (from the\n"
     "scene's seeded weights, or --model's), then one frame per recorded\n"
     "snapshot (every 200 steps, thinned to fit 16 MiB; a slide GIF at most 80\n"
     "of them, evenly spread): the learned field and the fixed-seed learned\n"
     "samples at that step"},
    {"--train-steps", "K",
     "training steps before each frame, 0 to 10000 (default 10 while the\n"
     "scene's ui.training is on; with --model, 0 unless given)"},
    {"--seed", "S", "random seed, 0 to 2^64-1 (overrides the scene's \"seed\")"},
    {"--model", "FILE",
     "a checkpoint (scorelab train): the learned panels and the particles use\n"
     "its score (EMA weights)"},
    {"--raw", "", "with --model: the raw weights instead of their EMA"},
    {"--title", "TEXT", "a line of text along the bottom of every frame"},
    {"--no-legend", "", "leave out the colour bars"},
    {"--no-caption", "", "leave out each panel's source and noise level"},
    {"--background", "RRGGBB", "background colour in hex (default 12121a)"},
};

// A layer's name on the command line: the first word of its label ("score arrows" → "score").
std::string layer_name(const layers::Layer& layer) {
  const std::string_view label = layer.label();
  return std::string(label.substr(0, label.find(' ')));
}

// --layers: the listed layers on, all others off. Throws UsageError naming an unknown layer.
void apply_layers(const std::string& list, LayersConfig& cfg) {
  const layers::LayerTable table;  // labels only: no GPU resources until a draw
  std::vector<std::string> names;
  for (std::size_t from = 0; from <= list.size();) {
    const std::size_t comma = std::min(list.find(',', from), list.size());
    names.push_back(list.substr(from, comma - from));
    from = comma + 1;
  }
  std::string known;
  for (const auto& layer : table.all()) known += (known.empty() ? "" : ", ") + layer_name(*layer);
  for (const std::string& name : names) {
    const bool found = std::any_of(table.all().begin(), table.all().end(),
                                   [&](const auto& layer) { return layer_name(*layer) == name; });
    if (!found) throw UsageError("--layers: unknown layer '" + name + "' (layers: " + known + ")");
  }
  for (const auto& layer : table.all()) {
    const bool want = std::find(names.begin(), names.end(), layer_name(*layer)) != names.end();
    if (want != layer->on(cfg)) layer->set_on(cfg, want);
  }
}

// --source: exact or learned in one panel, or two side by side (in place of any small multiples).
void apply_source(const std::string& value, ViewConfig& view) {
  const auto source = [&](std::string_view v) {
    if (v == "exact") return FieldSource::Exact;
    if (v == "learned") return FieldSource::Learned;
    throw UsageError("--source wants exact, learned or two of them as left,right (e.g. "
                     "exact,learned); got '" + value + "'");
  };
  const std::size_t comma = value.find(',');
  view.split = comma != std::string::npos;
  view.multiples.on = false;
  view.left.source = source(std::string_view(value).substr(0, comma));
  if (view.split) view.right.source = source(std::string_view(value).substr(comma + 1));
}

ExportSettings settings_from(const Flags& flags) {
  ExportSettings s;
  s.out = flags.text("--out");
  if (flags.has("--size"))
    std::tie(s.width, s.height) = flags.size("--size", kMinSide, kMaxSide);
  if (flags.has("--quality")) {
    const std::string v = flags.text("--quality");
    if (v == "slide")
      s.gif_quality = GifQuality::Slide;
    else if (v == "full")
      s.gif_quality = GifQuality::Full;
    else
      throw UsageError("--quality wants 'slide' or 'full', got '" + v + "'");
  }
  if (flags.has("--colors")) s.gif_colours = int(flags.integer("--colors", 2, 256));
  if (flags.has("--fps")) s.fps = flags.number("--fps", 1, 50);
  if (flags.has("--frames")) s.frames = int(flags.integer("--frames", 1, kMaxFrames));
  if (flags.has("--sweep")) {
    const std::string v = flags.text("--sweep");
    if (v == "sigma")
      s.sweep = Sweep::Sigma;
    else if (v == "t")
      s.sweep = Sweep::Time;
    else
      throw UsageError("--sweep wants 'sigma' or 't', got '" + v + "'");
  }
  if (flags.has("--through-training")) {
    if (flags.has("--sweep") || flags.has("--frames") || flags.has("--train-steps"))
      throw UsageError(
          "--through-training: one frame per snapshot of its own training run; it "
          "takes no --sweep, --frames or --train-steps");
    s.through_training = true;
  }
  s.train_steps_per_frame = flags.has("--train-steps")
                                ? int(flags.integer("--train-steps", 0, 10000))
                            : flags.has("--model") ? 0
                                                   : s.train_steps_per_frame;
  if (flags.has("--title")) s.title = flags.text("--title");
  s.legend = !flags.has("--no-legend");
  s.caption = !flags.has("--no-caption");
  if (flags.has("--background")) {
    const std::string v = flags.text("--background");
    unsigned rgb = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), rgb, 16);
    if (v.size() != 6 || ec != std::errc() || end != v.data() + v.size())
      throw UsageError("--background wants a hex colour RRGGBB, e.g. ffffff; got '" + v + "'");
    for (int c = 0; c < 3; ++c) s.background[c] = float((rgb >> (16 - 8 * c)) & 0xff) / 255.0f;
  }
  return s;
}

// --through-training: the scene's network trained `steps` steps headless (from `start` when
// given), for its history of snapshots. Ctrl-C stops it with nothing written.
TrainingHistory train_for_history(const Scene& scene, const Checkpoint* start, long steps,
                                  const cli::CancelOnSignal& cancel, std::ostream& err) {
  Scene trained = scene;
  if (start) trained.train = start->scene.train;  // the architecture the weights belong to
  TrainingSession session(trained.train_config(), make_data_source(scene.data));
  if (start)
    session.restore(start->step, start->params, start->ema, start->ema_updates, start->adam_steps,
                    start->adam_m, start->adam_v);
  const long end = session.steps() + steps;
  while (session.steps() < end) {
    cancel.throw_if_cancelled("export cancelled while training; nothing was written");
    session.step();
    if (session.stalled())
      throw InputError("export through training: training kept diverging and stopped at step " +
                       std::to_string(session.steps()) + "; nothing was written");
  }
  const TrainingHistory& h = session.snapshots();
  err << "export: trained " << steps << " steps; " << h.snapshots().size() << " snapshots every "
      << h.interval() << " steps (" << h.bytes() / 1024 << " KiB)\n";
  return h;
}

int run_export(const Flags& flags, std::ostream& out, std::ostream& err) {
  // Every flag is checked (exit 2) before the scene and model are read (exit 1).
  const ExportSettings settings = settings_from(flags);
  if (flags.has("--layers")) {  // checked now; applied to the scene below
    LayersConfig probe;
    apply_layers(flags.text("--layers"), probe);
  }
  if (flags.has("--source")) {
    ViewConfig probe;
    apply_source(flags.text("--source"), probe);
  }
  const long history_steps =
      flags.has("--through-training") ? long(flags.integer("--through-training", 1, 1'000'000)) : 0;
  std::optional<std::uint64_t> seed;
  if (flags.has("--seed")) seed = flags.unsigned_integer("--seed");
  if (flags.has("--raw") && !flags.has("--model")) throw UsageError("--raw needs --model FILE");
  Scene scene = flags.has("--scene") ? load_scene(flags.text("--scene"))
                                     : parse_scene_text(default_scene_json(), "default scene");
  if (seed) scene.seed = *seed;
  if (flags.has("--layers")) apply_layers(flags.text("--layers"), scene.layers);
  if (flags.has("--source")) apply_source(flags.text("--source"), scene.view);
  if (const auto why = sweep_conflict(scene, settings)) throw UsageError("--sweep: " + *why);
  std::shared_ptr<const Checkpoint> model;
  if (flags.has("--model")) {
    model = std::make_shared<const Checkpoint>(cli::load_model_flag(flags, scene, "export", err));
    scene.ui.particle_source = FieldSource::Learned;  // as `scorelab sample --model`
    scene.ui.use_ema = !flags.has("--raw");
  }
  if (settings.train_steps_per_frame == 0 || history_steps > 0) scene.ui.training = false;
  // Refused before the GL context and the first frame: an output that is an input, a device or
  // in a missing directory (open_sink checks the rest), and a scene this machine cannot run.
  std::vector<std::string> inputs;
  for (const char* flag : {"--scene", "--model"})
    if (flags.has(flag)) inputs.push_back(flags.text(flag));
  exporting::check_export_output(settings.out, inputs);
  check_cost(scene,
             {.train_steps = history_steps,
              .train = scene.ui.training || history_steps > 0,
              .sample = true,
              .learned = model != nullptr || history_steps > 0,
              .window = true},
             budget_from_environment());

  const cli::CancelOnSignal cancel;
  TrainingHistory history;
  if (history_steps > 0)
    history = train_for_history(scene, model.get(), history_steps, cancel, err);
  const render::GlContext gl(64, 64, /*visible=*/false);
  ExportJob job(scene, settings, model, std::move(history));
  err << "export: " << job.description() << " -> " << settings.out << "\n";
  if (const double bytes = estimated_bytes(settings, job.frames()); bytes > 0) {
    char line[96];
    std::snprintf(line, sizeof line, "export: estimated size %.1f MB\n", bytes / 1e6);
    err << line;
  }

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last_report = start;
  ExportProgress p = job.progress();
  while (!p.done) {
    cancel.throw_if_cancelled("export cancelled; nothing was written (" + settings.out +
                              " is as it was)");
    p = job.step();
    if (Clock::now() - last_report >= std::chrono::seconds(1)) {
      last_report = Clock::now();
      err << "export: frame " << p.rendered << " / " << p.total << " rendered, " << p.encoded
          << " encoded\n";
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out << "exported " << job.description() << " -> " << settings.out << " (" << seconds << " s)\n";
  return 0;
}

}  // namespace

const cli::Command& export_command() {
  static const cli::Command c{
      "export",
      "render a scene's animation to GIF / MP4 / PNG frames, or a picture to PNG, offscreen",
      "[--scene FILE] --out anim.gif|anim.mp4|frames/|picture.png [--size WxH] [--fps F]\n"
      "       [--frames N] [--sweep sigma|t] [--train-steps K] [--through-training STEPS]\n"
      "       [--seed S] [--model FILE]\n"
      "       [--layers LIST] [--source exact|learned|exact,learned] [--quality slide|full]",
      "Renders what the window's plot shows (no side panel) into an offscreen image of the\n"
      "requested size, frame by frame, and encodes it: GIF with giflib (one palette for the whole\n"
      "animation), MP4 (H.264) through the ffmpeg program, PNG with stb_image_write. Animated: the\n"
      "sampler's particles and trails (default), or the noise level (--sweep), and the learned\n"
      "field while training advances (--train-steps), or one frame per recorded snapshot of a\n"
      "training run (--through-training: samples through training). What is drawn comes from\n"
      "the scene's \"layers\" and \"view\" blocks, or from --layers and --source. A GIF fits a\n"
      "slide by default (64 colours, at most 80 frames; the default scene's is about 9 MB);\n"
      "--quality full keeps 256 colours and every frame. The estimated size is printed before\n"
      "rendering.\n"
      "A .png is one picture: only the run's last frame is drawn (it has no trails, which need\n"
      "the frames before it). Frames are indexed, not timed: the same scene, seed and flags\n"
      "give the same file on any machine. Needs a display for its hidden window (on a server:\n"
      "xvfb-run -a scorelab export ...). The output is written under a temporary name and\n"
      "renamed when complete: a failure or Ctrl-C leaves no file behind and any previous output\n"
      "untouched (exit 1).",
      kExportFlags,
      run_export};
  return c;
}

}  // namespace scorelab::exporting
