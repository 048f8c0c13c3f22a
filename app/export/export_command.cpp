// `scorelab export` (see export_command.h): flags → ExportSettings, a hidden GL context, the job
// loop with progress on stderr, and Ctrl-C / SIGTERM as a clean cancel (no file left behind).
#include "app/export/export_command.h"

#include <charconv>
#include <chrono>
#include <ostream>
#include <tuple>

#include "app/cli/cancel.h"
#include "app/encode/frame_sink.h"
#include "app/export/export_job.h"
#include "app/render/gl_context.h"
#include "core/common/error.h"
#include "core/common/atomic_file.h"
#include "core/scene/checkpoint.h"
#include "core/scene/limits.h"

namespace scorelab::exporting {

namespace {

using cli::Flags;
using cli::FlagSpec;
using cli::UsageError;

constexpr FlagSpec kExportFlags[] = {
    {"--scene", "FILE", "scene file (JSON); default: the built-in default scene"},
    {"--out", "PATH",
     "anim.gif, anim.mp4, picture.png (the last frame), or a directory for\n"
     "PNG frames (a path ending in '/' or without extension) (required)"},
    {"--size", "WxH", "output size in pixels, 1 to 4096 each (MP4: even); default 800x800"},
    {"--fps", "F", "frames per second, 1 to 50; default 25"},
    {"--frames", "N",
     "number of frames, 1 to 9999; the sampler run (or the sweep) is spread\n"
     "over them. Default: until the sampler finishes at the scene's\n"
     "steps_per_frame (a sweep: 120 frames)"},
    {"--sweep", "sigma|t",
     "animate the noise level instead of the particles: sigma from its\n"
     "largest to its smallest value in equal log steps, or SDE time t 1 -> 0"},
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

ExportSettings settings_from(const Flags& flags) {
  ExportSettings s;
  s.out = flags.text("--out");
  if (flags.has("--size")) std::tie(s.width, s.height) = flags.size("--size", 1, 4096);
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

int run_export(const Flags& flags, std::ostream& out, std::ostream& err) {
  // Every flag is checked (exit 2) before the scene and model are read (exit 1).
  const ExportSettings settings = settings_from(flags);
  std::optional<std::uint64_t> seed;
  if (flags.has("--seed")) seed = flags.unsigned_integer("--seed");
  if (flags.has("--raw") && !flags.has("--model")) throw UsageError("--raw needs --model FILE");
  Scene scene = flags.has("--scene") ? load_scene(flags.text("--scene"))
                                     : parse_scene_text(default_scene_json(), "default scene");
  if (seed) scene.seed = *seed;
  std::shared_ptr<const Checkpoint> model;
  if (flags.has("--model")) {
    model = std::make_shared<const Checkpoint>(load_checkpoint(flags.text("--model")));
    scene.ui.particle_source = FieldSource::Learned;  // as `scorelab sample --model`
    scene.ui.use_ema = !flags.has("--raw");
  }
  if (settings.train_steps_per_frame == 0) scene.ui.training = false;
  // Refused before the GL context and the first frame: an output that is an input, a device or
  // in a missing directory (open_sink checks the rest), and a scene this machine cannot run.
  std::vector<std::string> inputs;
  for (const char* flag : {"--scene", "--model"})
    if (flags.has(flag)) inputs.push_back(flags.text(flag));
  check_output(settings.out, inputs,
               encode::format_for_path(settings.out) == encode::Format::PngSequence
                   ? OutputKind::Directory
                   : OutputKind::File);
  check_cost(scene,
             {.train = scene.ui.training, .sample = true, .learned = model != nullptr,
              .window = true},
             budget_from_environment());

  const render::GlContext gl(64, 64, /*visible=*/false);
  const cli::CancelOnSignal cancel;
  ExportJob job(scene, settings, model);
  err << "export: " << job.description() << " -> " << settings.out << "\n";

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
      "       [--frames N] [--sweep sigma|t] [--train-steps K] [--seed S] [--model FILE]",
      "Renders what the window's plot shows (no side panel) into an offscreen image of the\n"
      "requested size, frame by frame, and encodes it: GIF with giflib (one palette for the whole\n"
      "animation), MP4 (H.264) through the ffmpeg program, PNG with stb_image_write. Animated: "
      "the\n"
      "sampler's particles and trails (default), or the noise level (--sweep), and the learned\n"
      "field while training advances (--train-steps). Frames are indexed, not timed: the same\n"
      "scene, seed and flags give the same file on any machine. Needs a display for its hidden\n"
      "window (on a server: xvfb-run -a scorelab export ...). The output is written under a\n"
      "temporary name and renamed when complete: a failure or Ctrl-C leaves no file behind and\n"
      "any previous output untouched (exit 1).",
      kExportFlags,
      run_export};
  return c;
}

}  // namespace scorelab::exporting
