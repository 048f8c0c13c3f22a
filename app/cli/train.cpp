// `scorelab train`: train a scene's score model headless and save it as a checkpoint.
#include <chrono>
#include <ostream>

#include "app/cli/cancel.h"
#include "app/cli/command.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"
#include "core/scene/limits.h"
#include "core/scene/model_check.h"

namespace scorelab::cli {
namespace {

constexpr FlagSpec kTrainFlags[] = {
    {"--scene", "FILE", "scene file (JSON) with the data, noise, model and train blocks;\n"
                        "default: the built-in default scene"},
    {"--steps", "N", "optimisation steps, 1 to 100000000 (required)"},
    {"--out", "FILE", "the checkpoint to write (required)"},
    {"--seed", "S", "training seed, 0 to 2^64-1 (overrides the scene's train.seed)"},
};

int run_train(const Flags& flags, std::ostream& out, std::ostream& err) {
  const long steps = static_cast<long>(flags.integer("--steps", 1, 100'000'000));
  const std::string out_path = flags.text("--out");
  Scene scene = flags.has("--scene") ? load_scene(flags.text("--scene"))
                                     : parse_scene_text(default_scene_json(), "default scene");
  if (flags.has("--seed")) scene.train.seed = flags.unsigned_integer("--seed");
  // Everything that can refuse the run does so before the first step: the output (a device, a
  // directory, the scene file itself) and the cost (memory, time) of what the scene asks.
  std::vector<std::string> inputs;
  if (flags.has("--scene")) inputs.push_back(flags.text("--scene"));
  check_output(out_path, inputs);
  const SceneCost cost =
      check_cost(scene, {.train_steps = steps, .train = true}, budget_from_environment());
  err << "train: estimated " << seconds_text(cost.run_seconds() + check_seconds(scene))
      << " (with the check on held-out data)\n";
  const CancelOnSignal cancel;

  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  const Eigen::VectorXf initial_params = session.params();  // for the publication check
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto last_report = t0;
  std::string last_warning;
  double loss = 0;
  while (session.steps() < steps) {
    cancel.throw_if_cancelled("training cancelled at step " + std::to_string(session.steps()) +
                              "; nothing was written (" + out_path + " is as it was)");
    const auto result = session.step();
    if (!result.rolled_back) loss = result.loss;
    if (session.warning() != last_warning) {
      last_warning = session.warning();
      err << "train: " << last_warning << "\n";
    }
    if (session.stalled())
      throw InputError("training kept diverging and stopped at step " +
                       std::to_string(session.steps()) +
                       "; nothing was written. Lower train.lr or raise train.grad_clip.");
    const auto now = Clock::now();
    if (now - last_report >= std::chrono::seconds(1) || session.steps() == steps) {
      last_report = now;
      const double s = std::chrono::duration<double>(now - t0).count();
      err << "train: step " << session.steps() << " / " << steps << "  loss " << loss << "  ("
          << session.steps() / s << " steps/s)\n";
    }
  }
  const Checkpoint checkpoint = make_checkpoint(session, scene);
  err << "train: checking the model on held-out data\n";
  if (const ModelVerdict v = check_trained_model(checkpoint, initial_params); !v.ok)
    throw InputError("the trained model is not good enough to publish: " + v.reason +
                     "; nothing was written. Lower train.lr, or train longer.");
  cancel.throw_if_cancelled("training cancelled; nothing was written (" + out_path +
                            " is as it was)");
  write_file_atomic(out_path, serialize_checkpoint(checkpoint));
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  out << "trained " << steps << " steps in " << seconds << " s, final loss " << loss << " -> "
      << out_path << "\n";
  return 0;
}

}  // namespace

const Command& train_command() {
  static const Command c{
      "train",
      "train the scene's score network headless and save a checkpoint",
      "[--scene FILE] --steps N --out FILE [--seed S]",
      "Trains the network of the scene's \"model\" block with its \"train\" settings on fresh\n"
      "draws of its data, under its \"noise\" process, on one thread. Progress goes to stderr.\n"
      "The checkpoint (weights, their EMA, the optimiser state and the scene) is written\n"
      "atomically at the end. A run that diverges is rolled back and its learning rate lowered\n"
      "(reported on stderr); one that keeps diverging stops with exit 1 and writes nothing.\n"
      "Before writing, the model is checked on held-out data: its loss must not exceed the\n"
      "untrained network's and its samples must lie near the data, else exit 1, nothing\n"
      "written. Ctrl-C / SIGTERM stop the run cleanly (exit 1, nothing written).\n"
      "Sample from the result with 'scorelab sample --model FILE'.",
      kTrainFlags,
      run_train};
  return c;
}

}  // namespace scorelab::cli
