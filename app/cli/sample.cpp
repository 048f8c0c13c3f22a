// `scorelab sample`: run a scene's sampler on its exact (or learned) score and write the particles
// as CSV.
#include <charconv>
#include <cmath>
#include <chrono>
#include <optional>
#include <ostream>

#include "app/cli/cancel.h"
#include "app/cli/command.h"
#include "app/cli/csv.h"
#include "app/cli/model_flag.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/scene/checkpoint.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/limits.h"
#include "core/scene/model_check.h"
#include "core/scene/scene.h"
#include "core/scene/scene_run.h"

namespace scorelab::cli {
namespace {

constexpr Index kDefaultTrajectoryParticles = 100;
constexpr Index kMaxTrajectoryParticles = 10'000;
// Trajectory memory bounds (positions kept = particles × frames, 80 MB; frames, the sampler's own
// limit); a longer run keeps its last frames.
constexpr Index kMaxTrajectoryPositions = 10'000'000;
constexpr Index kMaxTrajectoryFrames = 1'000'000;

constexpr FlagSpec kSampleFlags[] = {
    {"--scene", "FILE", "scene file (JSON); default: the built-in default scene"},
    {"--out", "FILE", "CSV of the final particles, header x,y (required)"},
    {"--n", "N", "number of particles, 1 to 10000000 (overrides the scene's \"particles\")"},
    {"--seed", "S", "random seed, 0 to 2^64-1 (overrides the scene's \"seed\")"},
    {"--model", "FILE", "sample with the learned score of this checkpoint (scorelab train)\n"
                        "instead of the exact score of the data (EMA weights)"},
    {"--raw", "", "with --model: use the raw weights instead of their EMA"},
    {"--trajectories", "FILE", "also write the first particles' paths: CSV step,particle,x,y"},
    {"--trajectory-particles", "K",
     "how many particles --trajectories follows, 1 to 10000 (default 100);\n"
     "all steps up to 10^7 positions in all, else the last steps"},
};

// The outcome of one headless run.
struct SampleRun {
  std::string sampler;  // sampler kind
  Points particles;     // 2 × n final positions
  int steps = 0;        // steps taken
  double seconds = 0;   // wall time of the sampling loop
  TrajectoryBuffer trajectories;
};

// The scene's run as core builds it (core/scene/scene_run.h: seeds split once into the data and
// particle streams), plus trajectories, progress and cancel. `learned`, when given, replaces the
// exact score.
SampleRun run_scene(const Scene& scene, Index trajectory_particles, std::ostream& err,
                    const CancelOnSignal& cancel, const ScoreModel* learned = nullptr) {
  SceneRun scene_run = make_scene_run(scene, learned);
  Sampler* sampler = scene_run.sampler.get();
  if (trajectory_particles > 0) {
    const Index tracked = std::min(trajectory_particles, scene_run.particles);
    const int total = sampler->total_steps();
    const Index frames = std::min(kMaxTrajectoryFrames, kMaxTrajectoryPositions / tracked);
    sampler->record_trajectories(tracked, total >= 0 ? std::min<Index>(total + 1, frames) : frames);
  }
  scene_run.start();

  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto last_report = t0;
  while (scene_run.step()) {
    cancel.throw_if_cancelled("sampling cancelled at step " +
                              std::to_string(sampler->steps_taken()) + "; nothing was written");
    const auto now = Clock::now();
    if (now - last_report < std::chrono::seconds(1)) continue;
    last_report = now;
    err << "sample: step " << sampler->steps_taken();
    if (sampler->total_steps() > 0)
      err << " / " << sampler->total_steps() << " ("
          << 100 * sampler->steps_taken() / sampler->total_steps() << "%)";
    err << "\n";
  }
  SampleRun run;
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  run.sampler = std::string(sampler_name(scene.sampler));
  run.particles = sampler->particles();
  run.steps = sampler->steps_taken();
  run.trajectories = sampler->trajectories();
  return run;
}

Index count_non_finite(const Points& x) {
  Index bad = 0;
  for (Index i = 0; i < x.cols(); ++i) bad += x.col(i).allFinite() ? 0 : 1;
  return bad;
}

// One row per (step, particle). The buffer holds the newest frames; frame k of a buffer that
// recorded `steps + 1` frames (start, then one per step) is step steps + 1 − size + k.
std::string trajectories_csv(const TrajectoryBuffer& traj, int steps) {
  std::string s = "step,particle,x,y\n";
  const Index first_step = steps + 1 - traj.size();
  for (Index k = 0; k < traj.size(); ++k) {
    const Points& f = traj.frame(k);
    const std::string step = std::to_string(first_step + k) + ",";
    for (Index p = 0; p < f.cols(); ++p) {
      s += step;
      s += std::to_string(p);
      s += ',';
      append_float(s, f(0, p));
      s += ',';
      append_float(s, f(1, p));
      s += '\n';
    }
  }
  return s;
}

int run_sample(const Flags& flags, std::ostream& out, std::ostream& err) {
  // Every flag is checked (exit 2) before the scene is read (exit 1).
  const std::string out_path = flags.text("--out");
  std::optional<int> n;
  if (flags.has("--n")) n = static_cast<int>(flags.integer("--n", 1, kMaxParticles));
  std::optional<std::uint64_t> seed;
  if (flags.has("--seed")) seed = flags.unsigned_integer("--seed");
  std::optional<std::string> traj_path;
  Index traj_particles = 0;
  if (flags.has("--trajectories")) {
    traj_path = flags.text("--trajectories");
    traj_particles = flags.has("--trajectory-particles")
                         ? flags.integer("--trajectory-particles", 1, kMaxTrajectoryParticles)
                         : kDefaultTrajectoryParticles;
  } else if (flags.has("--trajectory-particles")) {
    throw UsageError("--trajectory-particles needs --trajectories FILE");
  }
  if (flags.has("--raw") && !flags.has("--model")) throw UsageError("--raw needs --model FILE");
  Scene scene = flags.has("--scene") ? load_scene(flags.text("--scene"))
                                     : parse_scene_text(default_scene_json(), "default scene");
  std::unique_ptr<LearnedScore> learned;
  if (flags.has("--model"))
    learned = std::make_unique<LearnedScore>(
        load_model_flag(flags, scene, "sample", err).snapshot(), !flags.has("--raw"));
  if (n) scene.particles = *n;
  if (seed) scene.seed = *seed;
  // Refuse an impossible output (a directory, a device, an input of the run, the other output)
  // and a scene this machine cannot run, before a possibly long run rather than after it.
  std::vector<std::string> inputs;
  for (const char* flag : {"--scene", "--model"})
    if (flags.has(flag)) inputs.push_back(flags.text(flag));
  check_output(out_path, inputs);
  if (traj_path) {
    check_output(*traj_path, inputs);
    check_distinct_outputs("--out", out_path, "--trajectories", *traj_path);
  }
  const SceneCost cost =
      check_cost(scene, {.sample = true, .learned = learned != nullptr}, budget_from_environment());
  err << "sample: estimated " << seconds_text(cost.run_seconds()) << "\n";
  const CancelOnSignal cancel;

  const SampleRun run = run_scene(scene, traj_particles, err, cancel, learned.get());
  if (const Index bad = count_non_finite(run.particles); bad > 0)
    throw InputError(std::to_string(bad) + " of " + std::to_string(run.particles.cols()) +
                     " particles ended non-finite (NaN or infinity): the " + run.sampler +
                     " run diverged, so nothing was written. Try a smaller step size "
                     "(step_size / epsilon / snr) or more steps.");
  // Samples far outside the data (by orders of magnitude) mean a useless model or a sampler
  // that ran away: reported rather than published.
  const DataRegion region = data_region(scene);
  if (const Index far = count_outside(run.particles, region, 100); far * 100 > run.particles.cols())
    throw InputError(std::to_string(far) + " of " + std::to_string(run.particles.cols()) +
                     " particles ended more than 100 times the data's radius (" +
                     std::to_string(static_cast<long>(std::ceil(region.radius))) +
                     ", rounded up) away from it: " +
                     (learned ? "the model (--model) does not describe this data"
                              : "the " + run.sampler + " run diverged") +
                     ", so nothing was written.");
  // Both files are written in full before either replaces its target.
  PendingFile samples(out_path, particles_csv(run.particles));
  std::optional<PendingFile> traj;
  if (traj_path) traj.emplace(*traj_path, trajectories_csv(run.trajectories, run.steps));
  samples.commit();
  if (traj) traj->commit();
  out << "sampled " << run.particles.cols() << " particles with " << run.sampler << " ("
      << run.steps << " steps, " << run.seconds << " s) -> " << out_path;
  if (traj_path) out << ", trajectories of " << run.trajectories.tracked() << " -> " << *traj_path;
  out << "\n";
  return 0;
}

}  // namespace

const Command& sample_command() {
  static const Command c{
      "sample",
      "run a scene's sampler on the exact (or learned) score and write the particles (CSV)",
      "[--scene FILE] --out FILE [--n N] [--seed S] [--model FILE [--raw]]\n"
      "       [--trajectories FILE [--trajectory-particles K]]",
      "Loads the scene, builds the exact score of its data (a Gaussian mixture, or the empirical\n"
      "mixture of a seeded draw for sample-only datasets), or the learned score of a checkpoint\n"
      "(--model), runs the scene's sampler to the end\n"
      "and writes the final particles. Progress goes to stderr, a one-line summary to stdout.\n"
      "Outputs are written atomically and only after sampling finished: a failed run (bad scene,\n"
      "unwritable path, or particles that ended NaN/infinite because the sampler diverged) exits\n"
      "with 1 and leaves any existing output file untouched, as does a run whose particles\n"
      "end more than 100 times the data's radius away from it (a useless --model), and\n"
      "Ctrl-C / SIGTERM. The same scene and seed give the\n"
      "same bytes.",
      kSampleFlags,
      run_sample};
  return c;
}

}  // namespace scorelab::cli
