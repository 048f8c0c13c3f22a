// Cost estimates of a scene (memory in bytes, time at an assumed rate) and the budget check.
#include "core/scene/limits.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <type_traits>

#include "core/common/error.h"
#include "core/distributions/datasets.h"

namespace scorelab {
namespace {

// Measured rates of one core, so that an estimate is within 2× of the time a run takes (on the
// reference machine: AMD EPYC, AVX-512, gcc 12 -O3 -march=native; an AVX2 machine takes up to
// twice as long). `tests/bench/calibrate_costs.py` runs train, sample and likelihood on a table of
// scenes and prints each estimate beside the measured time; rerun it after a change to the kernels.
//
// Training: one step does about 6·P·B "units" (3 multiply-adds per weight and point, twice for the
// objectives that take the input Jacobian), at this rate, plus a fixed cost per step (the batch's
// draws, Adam and EMA): width 32 · depth 2 runs 98 µs a step, width 1024 · depth 6 at batch 256
// 59 ms (estimated 95 µs and 62 ms).
constexpr double kTrainUnitsPerSecond = 1.3e11;
constexpr double kTrainStepSeconds = 7e-5;
// Score evaluations, in "operations" per point (a mixture: 30 per component; a network: one per
// weight; an empirical mixture: kEmpiricalOpsPerPoint per point), at this rate: the reverse SDE on
// ring8 runs 130 M particle-steps/s, on the default network 1.5 M.
constexpr double kScoreOpsPerSecond = 4e10;
constexpr double kFloat = 4;  // bytes
// A sampler step's own work per particle besides its score evaluations: two normal draws and the
// update x ← a·x + b·s + c·z (the forward SDE's whole step).
constexpr double kStepOpsPerParticle = 40;

// Score evaluation of one point: multiply-adds, and the memory its workspace holds per point.
struct ScoreCost {
  std::string what;
  double ops_per_point = 0;
  double bytes_per_point = 0;
  bool empirical = false;  // an empirical mixture: one narrow kernel per point (a stiff flow)
};

// The network's parameter count (Mlp's layout: (2 + E) → H → … → H → 2, and the class
// embedding H × (K + 1) of a class-conditional network).
double model_params(const MlpConfig& m) {
  const double H = m.width, E = m.embedding.width;
  const double classes = m.classes > 0 ? H * (m.classes + 1) : 0;
  return (2 + E) * H + H + (m.depth - 1) * (H * H + H) + H * 2 + 2 + classes;
}

// An empirical mixture's score is one isotropic kernel per point, evaluated by a SIMD loop at
// about 3e9 point pairs per second on one core (`scorelab bench`, entry "empirical").
constexpr double kEmpiricalOpsPerPoint = kScoreOpsPerSecond / 3e9;

ScoreCost exact_score_cost(const Scene& scene) {
  const DataConfig& d = scene.data;
  double components = 0;  // of the mixture the exact score sums over
  std::string what;
  if (const auto* name = std::get_if<std::string>(&d.source)) {
    const DatasetInfo& info = find_dataset(*name);
    if (info.mixture) {
      components = static_cast<double>(info.mixture().components().size());
      what = "dataset " + *name;
    } else {
      what = "the empirical mixture of " + std::to_string(d.points) + " points";
      return {what, kEmpiricalOpsPerPoint * d.points, 0, true};
    }
  } else if (const auto* set = std::get_if<PointSet>(&d.source)) {
    what = "the empirical mixture of " + std::to_string(set->points.size()) + " drawn points";
    return {what, kEmpiricalOpsPerPoint * double(set->points.size()), 0, true};
  } else {
    components = static_cast<double>(std::get<MixtureComponents>(d.source).size());
    what = "a mixture of " + number_text(components) + " components";
  }
  // Per component: a 2×2 quadratic form, an exp and the weighted sum (about 30 operations).
  return {what, 30 * components, 0};
}

ScoreCost learned_score_cost(const Scene& scene) {
  const MlpConfig& m = scene.train.model;
  const double P = model_params(m);
  // Forward pass: one multiply-add per weight, about 30 operations per activation (SiLU's exp)
  // and 10 per embedding feature; the activations of one point (depth × width floats, twice for
  // pre- and post-activation) are held by the chunked evaluation. Classifier-free guidance
  // evaluates the network twice per point (its class k and ∅).
  const Conditioning* c = sampler_condition(scene.sampler);
  const bool twice = c && c->guides() && c->guidance == Conditioning::Guidance::ClassifierFree;
  return {"the learned score (" + number_text(P) + " parameters" +
              (twice ? ", twice: classifier-free guidance)" : ")"),
          (twice ? 2 : 1) * (P + 30.0 * m.depth * m.width + 10.0 * m.embedding.width),
          2 * kFloat * (m.depth * m.width + m.embedding.width)};
}

std::string bytes_suffix_text(double bytes, const char* unit) {
  char text[48];
  std::snprintf(text, sizeof text, "%.3g %s", bytes, unit);
  return text;
}

}  // namespace

std::string bytes_text(double bytes) {
  if (bytes >= 1e9) return bytes_suffix_text(bytes / 1e9, "GB");
  if (bytes >= 1e6) return bytes_suffix_text(bytes / 1e6, "MB");
  return bytes_suffix_text(bytes / 1e3, "kB");
}

std::string seconds_text(double seconds) {
  if (seconds >= 2 * 3600) return bytes_suffix_text(seconds / 3600, "hours");
  if (seconds >= 120) return bytes_suffix_text(seconds / 60, "minutes");
  return bytes_suffix_text(seconds, "s");
}

double SceneCost::bytes() const {
  double total = 0;
  for (const CostItem& item : items) total += item.bytes;
  return total;
}

double SceneCost::run_seconds() const {
  double longest = 0;
  for (const CostItem& item : items) longest = std::max(longest, item.steps * item.step_seconds);
  return longest;
}

SceneCost estimate_cost(const Scene& scene, const CostUse& use) {
  SceneCost cost;
  const MlpConfig& m = scene.train.model;
  if (use.train) {
    const double P = model_params(m);
    const double B = scene.train.batch;
    // Parameters, gradient, Adam's two moments, EMA, the rollback copy of all four, and the
    // published snapshots (weights + EMA, one being read while the next is written): 14 P floats.
    // Activations: per layer and point, pre-activation, output and their gradients (4 floats),
    // twice for the objectives that also take the input Jacobian.
    const double activations = 2 * 4 * B * (m.depth * m.width + m.embedding.width + 2);
    const double units = 6 * P * B;  // see kTrainUnitsPerSecond
    cost.items.push_back({"training (a model of " + number_text(P) + " parameters: width " +
                              std::to_string(m.width) + ", depth " + std::to_string(m.depth) +
                              "; batch " + std::to_string(scene.train.batch) + ")",
                          "model.width, model.depth or train.batch",
                          kFloat * (14 * P + activations),
                          kTrainStepSeconds + units / kTrainUnitsPerSecond,
                          double(use.train_steps)});
  }
  const ScoreCost score = use.learned ? learned_score_cost(scene) : exact_score_cost(scene);
  if (use.sample) {
    const double n = scene.particles;
    const SamplerWork work = sampler_work(scene.sampler, scene.noise.schedule, scene.noise.sde);
    const double per_step = work.evaluations / std::max(work.steps, 1.0);
    // Particles, scores, noise and the method's stages (RK45: 7): 12 buffers of 2 floats, plus the
    // score's per-point workspace, plus the CLI's trajectory buffer (at most 10⁷ positions).
    const double bytes = n * (12 * 2 * kFloat + score.bytes_per_point) + 1e7 * 2 * kFloat;
    cost.items.push_back({"sampling (" + std::to_string(scene.particles) + " particles × " +
                              number_text(work.evaluations) + " score evaluations of " +
                              score.what + ")",
                          "particles (or the data's components or points, or the model's size)",
                          bytes,
                          n * (per_step * score.ops_per_point + kStepOpsPerParticle) /
                              kScoreOpsPerSecond,
                          use.window ? 0 : work.steps});
  }
  if (use.window) {
    const LayersConfig& l = scene.layers;
    // The fields a frame may evaluate (both panels when split): density texels, error texels
    // (learned and exact), arrows and streamline points; trails of the particles.
    const double panels = scene.view.split ? 2 : 1;
    const double density = double(l.density.resolution) * l.density.resolution;
    const double error = l.error.on ? 2.0 * l.error.resolution * l.error.resolution : 0;
    const double arrows = double(l.score.grid) * l.score.grid +
                          (l.score.streamlines ? 200.0 * l.score.seeds * l.score.seeds : 0);
    const double points = panels * (density + error + arrows);
    const double trails = double(l.particles.trail) * l.particles.trail_particles;
    cost.items.push_back({"the window's fields (" + number_text(points) + " points per frame, of " +
                              score.what + ")",
                          "layers.density.resolution, layers.error.resolution, layers.score.grid "
                          "or layers.score.seeds (or the data's components or points)",
                          points * (4 * kFloat + score.bytes_per_point) + trails * 2 * kFloat,
                          points * score.ops_per_point / kScoreOpsPerSecond, 0});
  }
  return cost;
}

SceneCost check_cost(const Scene& scene, const CostUse& use, const CostBudget& budget) {
  const SceneCost cost = estimate_cost(scene, use);
  const double bytes = cost.bytes();
  if (bytes > budget.memory_bytes) {
    const CostItem* largest = &cost.items.front();
    for (const CostItem& item : cost.items)
      if (item.bytes > largest->bytes) largest = &item;
    throw InputError("this scene needs about " + bytes_text(bytes) + " of memory (" +
                     largest->what + ": " + bytes_text(largest->bytes) +
                     "), more than the budget of " + bytes_text(budget.memory_bytes) +
                     " (SCORELAB_MEMORY_BUDGET raises it)");
  }
  for (const CostItem& item : cost.items) check_item_cost(item, budget);
  return cost;
}

void check_item_cost(const CostItem& item, const CostBudget& budget) {
  if (item.step_seconds > budget.step_seconds)
    throw InputError(item.what + " takes about " + seconds_text(item.step_seconds) + " per " +
                     item.step_name + ", more than " + budget.step_limit_name + " of " +
                     seconds_text(budget.step_seconds) + " per " + item.step_name +
                     " (SCORELAB_STEP_BUDGET raises it): lower " + item.fix);
  if (item.steps > 0 && item.steps * item.step_seconds > budget.run_seconds)
    throw InputError(item.what + " takes about " + seconds_text(item.steps * item.step_seconds) +
                     " (" + number_text(item.steps) + " " + item.step_name + "s), more than the " +
                     "budget of " + seconds_text(budget.run_seconds) +
                     " (SCORELAB_TIME_BUDGET raises it): lower " + item.fix);
}

CostItem likelihood_cost(const Scene& scene, const LikelihoodOptions& o, double points,
                         bool learned, const std::string& points_text) {
  const ScoreCost score = learned ? learned_score_cost(scene) : exact_score_cost(scene);
  // Velocity evaluations of one point's solve. RK45 at rtol 1e-5 (eps 1e-5, 32-point chunks):
  // about 220 on a mixture's exact flow (ring8, VE 237 and VP 207), ~30,000 on the 2,000-point
  // empirical mixture of moons, 80–130 on a learned flow (smoother; 75 counted); rtol 1e-3 and
  // 1e-7 took 0.5× and 2.2× as many.
  double evaluations = 0;
  switch (o.method) {
    case OdeMethod::Euler: evaluations = o.steps; break;
    case OdeMethod::Heun: evaluations = 2.0 * o.steps; break;
    case OdeMethod::Rk4: evaluations = 4.0 * o.steps; break;
    case OdeMethod::Rk45:
      evaluations = (learned ? 75 : score.empirical ? 30000 : 220) *
                    std::pow(std::max(o.rtol, 1e-10) / 1e-5, -0.17);
      break;
  }
  // One evaluation: the score with its divergence (exact, or Hutchinson's one JVP) in double,
  // about 3 score evaluations, and the solver's own work per point (measured per point and
  // evaluation: ring8 50 ns, the default network 2.0 µs, moons' 2,000-point mixture 1.5 µs).
  constexpr double kEvaluationFactor = 3;
  constexpr double kSolverOpsPerEvaluation = 1200;
  const double point_seconds =
      evaluations * (kEvaluationFactor * score.ops_per_point + kSolverOpsPerEvaluation) /
      kScoreOpsPerSecond;
  const double threads = std::max(1, o.thread_count());
  return {"the likelihood of " +
              (points_text.empty() ? number_text(points) + " points" : points_text) + " (" +
              number_text(evaluations) +
              " evaluations each of " + score.what + ")",
          "the points (--grid, layers.model_density.resolution), the steps (--steps) or the "
          "tolerance (--tol)",
          points * (16 * 2 * 8.0 + score.bytes_per_point),
          // a point's own time, and the run's on the threads: per "step" is per point / threads
          point_seconds / std::min(threads, std::max(points, 1.0)), points, "point"};
}

void check_window_cost(const Scene& scene) {
  // The window redraws many times a second and recomputes a field when it changes: a frame's
  // work (or a step's) must stay within a second (conservatively estimated) to keep it usable.
  CostBudget budget = budget_from_environment();
  if (!budget.step_seconds_from_environment) budget.step_seconds = std::min(budget.step_seconds, 1.0);
  budget.step_limit_name = "the window's limit";
  // The trainer and its model exist whether or not ui.training runs them.
  check_cost(scene,
             {.train = true,
              .sample = true,
              .learned = scene.ui.particle_source == FieldSource::Learned,
              .window = true},
             budget);
  // The model-density map (app/state/model_density.cpp): a background job, so only its whole
  // run is bounded (by the time budget), not each point.
  if (scene.layers.model_density.on) {
    const ModelDensityLayerSettings& md = scene.layers.model_density;
    LikelihoodOptions o;
    o.rtol = o.atol = md.tol;
    CostItem map = likelihood_cost(
        scene, o, double(md.resolution) * md.resolution + md.nll_points, /*learned=*/true);
    map.what = "the model-density map: " + map.what;
    map.fix = "layers.model_density.resolution or layers.model_density.tol";
    CostBudget run_only = budget;
    run_only.step_seconds = std::numeric_limits<double>::infinity();
    check_item_cost(map, run_only);
  }
}

namespace {

// The variable `name` as seconds in [lo, 1e8] (`lo_text` as the message shows it), or nothing
// when it is unset; anything else throws InputError naming the variable.
std::optional<double> seconds_from_environment(const char* name, double lo, const char* lo_text) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v, &end);
  if (end == v || *end != '\0' || errno != 0 || !(x >= lo && x <= 1e8))
    throw InputError(std::string(name) + " must be a number of seconds from " + lo_text +
                     " to 100000000, got '" + std::string(v) + "'");
  return x;
}

}  // namespace

CostBudget budget_from_environment() {
  CostBudget b;
  if (const char* v = std::getenv("SCORELAB_MEMORY_BUDGET")) {
    char* end = nullptr;
    errno = 0;
    double x = std::strtod(v, &end);
    const std::string suffix = end ? end : "";
    const double unit = suffix.empty()  ? 1
                        : suffix == "K" ? 1e3
                        : suffix == "M" ? 1e6
                        : suffix == "G" ? 1e9
                        : suffix == "T" ? 1e12
                                        : 0;
    x *= unit;
    if (end == v || errno != 0 || unit == 0 || !(x >= 1e6 && x <= 1e15))
      throw InputError(
          "SCORELAB_MEMORY_BUDGET must be a size in bytes from 1M to 1000T, with an "
          "optional K, M, G or T suffix (e.g. 16G), got '" +
          std::string(v) + "'");
    b.memory_bytes = x;
  }
  if (const auto x = seconds_from_environment("SCORELAB_TIME_BUDGET", 1, "1")) b.run_seconds = *x;
  if (const auto x = seconds_from_environment("SCORELAB_STEP_BUDGET", 0.01, "0.01")) {
    b.step_seconds = *x;
    b.step_seconds_from_environment = true;
  }
  return b;
}

}  // namespace scorelab
