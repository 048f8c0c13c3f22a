// Cost estimates of a scene (memory in bytes, time at an assumed rate) and the budget check.
#include "core/scene/limits.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "core/common/error.h"
#include "core/distributions/datasets.h"

namespace scorelab {
namespace {

// Multiply-adds per second of one core running our float kernels: conservative (a laptop core
// does 2–4 times more), so an estimate errs towards refusing what would take too long.
constexpr double kFlopsPerSecond = 2e9;
constexpr double kFloat = 4;  // bytes
// A sampler step's own work per particle besides its score evaluations: two normal draws and the
// update x ← a·x + b·s + c·z (the forward SDE's whole step).
constexpr double kStepFlopsPerParticle = 40;

// Score evaluation of one point: multiply-adds, and the memory its workspace holds per point.
struct ScoreCost {
  std::string what;
  double flops_per_point = 0;
  double bytes_per_point = 0;
};

// The network's parameter count (Mlp's layout: (2 + E) → H → … → H → 2).
double model_params(const MlpConfig& m) {
  const double H = m.width, E = m.embedding.width;
  return (2 + E) * H + H + (m.depth - 1) * (H * H + H) + H * 2 + 2;
}

// An empirical mixture's score is one isotropic kernel per point, evaluated by a SIMD loop at
// about 3e9 point pairs per second on one core (`scorelab bench`, entry "empirical"): one
// operation per pair at kFlopsPerSecond keeps a 1.5× margin. (30 per pair, the general mixture's
// count, refused a 2,000-point spirals view with streamlines that draws in 40 ms.)
constexpr double kEmpiricalOpsPerPoint = 1;

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
      return {what, kEmpiricalOpsPerPoint * d.points, 0};
    }
  } else if (const auto* set = std::get_if<PointSet>(&d.source)) {
    what = "the empirical mixture of " + std::to_string(set->points.size()) + " drawn points";
    return {what, kEmpiricalOpsPerPoint * double(set->points.size()), 0};
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
  // Forward pass: one multiply-add per weight; the activations of one point (depth × width
  // floats, twice for pre- and post-activation) are held by the chunked evaluation.
  return {"the learned score (" + number_text(P) + " parameters)", P + 10 * m.embedding.width,
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
    // Forward + backward: about 3 multiply-adds per weight and point, twice for the Jacobian.
    const double flops = 2 * 3 * P * B;
    cost.items.push_back({"training (a model of " + number_text(P) + " parameters: width " +
                              std::to_string(m.width) + ", depth " + std::to_string(m.depth) +
                              "; batch " + std::to_string(scene.train.batch) + ")",
                          "model.width, model.depth or train.batch",
                          kFloat * (14 * P + activations), flops / kFlopsPerSecond,
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
                          n * (per_step * score.flops_per_point + kStepFlopsPerParticle) /
                              kFlopsPerSecond,
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
                          points * score.flops_per_point / kFlopsPerSecond, 0});
  }
  return cost;
}

void check_cost(const Scene& scene, const CostUse& use, const CostBudget& budget) {
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
  for (const CostItem& item : cost.items) {
    if (item.step_seconds > budget.step_seconds)
      throw InputError(item.what + " takes about " + seconds_text(item.step_seconds) +
                       " per step, more than " + budget.step_limit_name + " of " +
                       seconds_text(budget.step_seconds) + " per step: lower " + item.fix);
    if (item.steps > 0 && item.steps * item.step_seconds > budget.run_seconds)
      throw InputError(item.what + " takes about " + seconds_text(item.steps * item.step_seconds) +
                       " (" + number_text(item.steps) + " steps), more than the budget of " +
                       seconds_text(budget.run_seconds) + " (SCORELAB_TIME_BUDGET raises it)");
  }
}

void check_window_cost(const Scene& scene) {
  // The window redraws many times a second and recomputes a field when it changes: a frame's
  // work (or a step's) must stay within a second (conservatively estimated) to keep it usable.
  CostBudget budget = budget_from_environment();
  budget.step_seconds = std::min(budget.step_seconds, 1.0);
  budget.step_limit_name = "the window's limit";
  // The trainer and its model exist whether or not ui.training runs them.
  check_cost(scene,
             {.train = true,
              .sample = true,
              .learned = scene.ui.particle_source == FieldSource::Learned,
              .window = true},
             budget);
}

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
  if (const char* v = std::getenv("SCORELAB_TIME_BUDGET")) {
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(v, &end);
    if (end == v || *end != '\0' || errno != 0 || !(x >= 1 && x <= 1e8))
      throw InputError(
          "SCORELAB_TIME_BUDGET must be a number of seconds from 1 to 100000000, "
          "got '" +
          std::string(v) + "'");
    b.run_seconds = x;
  }
  return b;
}

}  // namespace scorelab
