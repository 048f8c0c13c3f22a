// `scorelab bench`: single-thread throughput of the exact-score workloads and of the score
// network, as one JSON object. Every timed workload runs through time_repeated (several
// repetitions; median, fastest, slowest and CPU time per call).
//
// The workloads mirror the project's peers in tests/bench/peers: numpy_peer.py (same sizes, noise
// levels, step rules and initialisation) and torch_peer.py (same network, data, noise and
// optimiser), so tests/bench/compare_peers.py can print the speed-ups. Adding a workload is one
// function and one row of kWorkloads.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "app/cli/command.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/field/field.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/sample/sampler_registry.h"
#include "core/train/quality.h"
#include "core/train/recipes.h"
#include "core/train/training_session.h"

namespace scorelab::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU seconds used by the calling thread: what a workload costs on one core, whatever else the
// machine runs (wall-clock time swings several-fold on a shared machine).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// ---- repeated timing: every timed workload goes through time_repeated ------------------------
//
// One short run swings several-fold on a shared machine, so in full mode a workload's timed body
// runs first once as a warm-up that also calibrates, then in repetitions of `calls` calls each,
// `calls` chosen so that a repetition lasts at least kMinRepSeconds: 5 repetitions (at least 1 s
// of timed work), or 3 once they have taken over kLongSeconds in all. A first call of a second or
// more counts as the first repetition (at that length nothing is left to warm up). Reported per
// call: the median wall seconds (the workload's rates use it), the fastest and slowest
// repetition, and the median CPU seconds (the whole process and the children it waited for, so
// threads and the export's subprocess count: what the work costs whatever else the machine runs).
// --quick: exactly one call, nothing repeated (a smoke test, not a measurement).

constexpr double kMinRepSeconds = 0.2;
constexpr double kLongSeconds = 10.0;

// CPU seconds of this process (all threads) and of its waited-for children.
double cpu_seconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    for (const timeval& tv : {u.ru_utime, u.ru_stime})
      total += static_cast<double>(tv.tv_sec) + 1e-6 * static_cast<double>(tv.tv_usec);
  }
  return total;
}

struct Timing {
  int reps = 0, calls = 0;                    // repetitions, calls per repetition
  double median_s = 0, min_s = 0, max_s = 0;  // wall seconds per call: median, fastest, slowest
  double cpu_s = 0;                           // median CPU seconds per call
  long total_calls() const { return long(reps) * calls; }
};

json to_json(const Timing& t) {
  return {{"reps", t.reps},
          {"calls_per_rep", t.calls},
          {"median_s", t.median_s},
          {"min_s", t.min_s},
          {"max_s", t.max_s},
          {"cpu_median_s", t.cpu_s},
          {"spread", t.median_s > 0 ? (t.max_s - t.min_s) / t.median_s : 0.0}};
}

template <class Body>
Timing time_repeated(bool quick, Body&& body) {
  std::vector<double> wall, cpu;  // per call, one entry per repetition
  const auto rep = [&](int calls) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    for (int i = 0; i < calls; ++i) body();
    wall.push_back(seconds_since(t0) / calls);
    cpu.push_back((cpu_seconds() - c0) / calls);
  };
  Timing t;
  t.calls = 1;
  rep(1);
  if (!quick) {
    const double first = wall.back();
    if (first < 1.0) wall.clear(), cpu.clear();  // a warm-up
    t.calls = std::max(1, static_cast<int>(std::ceil(kMinRepSeconds / std::max(first, 1e-9))));
    double spent = first;
    while (wall.size() < 5 && !(wall.size() >= 3 && spent > kLongSeconds)) {
      rep(t.calls);
      spent += wall.back() * t.calls;
    }
  }
  t.reps = static_cast<int>(wall.size());
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  };
  t.median_s = median(wall);
  t.cpu_s = median(cpu);
  t.min_s = *std::min_element(wall.begin(), wall.end());
  t.max_s = *std::max_element(wall.begin(), wall.end());
  return t;
}

// Runs a sampler from start to end on `model` (the exact ring8 score unless given); a call is
// start + run (placing the particles is one draw, under 0.1 % of a run).
json run_sampler_workload(const SamplerConfig& config, const SigmaSchedule& schedule,
                          const SdeParams& sde, Index particles, bool quick,
                          const ScoreModel* model = nullptr) {
  const GaussianMixture ring = ring8();
  auto sampler = make_sampler(config, schedule, sde);
  Rng rng(0);
  const Timing t = time_repeated(quick, [&] {
    sampler->start(particles, rng);
    sampler->run(model ? *model : ring, rng);
  });
  const double particle_steps = static_cast<double>(particles) * sampler->steps_taken();
  return {{"particles", particles},
          {"steps", sampler->steps_taken()},
          {"seconds", t.median_s},
          {"particle_steps_per_s", particle_steps / t.median_s},
          {"timing", to_json(t)},
          {"finite", sampler->particles().allFinite()}};
}

// Reverse-time VE SDE (σ 0.01 → 10), Euler–Maruyama, no corrector, no final denoising.
json sde_em(bool quick) {
  SdeParams sde;
  sde.kind = SdeKind::VE;
  sde.sigma_min = 0.01;
  sde.sigma_max = 10.0;
  sde.N = quick ? 100 : 1000;
  ReverseSdeConfig c;
  c.predictor = Predictor::EulerMaruyama;
  c.corrector = Corrector::None;
  c.denoise = false;
  return run_sampler_workload(c, SigmaSchedule{}, sde, quick ? 1000 : 10'000, quick);
}

// Annealed Langevin: 10 geometric levels 10 → 0.01, α_i = ε σ_i² / σ_L² with ε = 1e-5,
// 100 steps per level, init U[−8, 8]², no final denoising (the peer has none).
json ald(bool quick) {
  SigmaSchedule schedule;
  schedule.kind = ScheduleKind::Geometric;
  schedule.sigma_min = 0.01;
  schedule.sigma_max = 10.0;
  schedule.levels = 10;
  AnnealedLangevinConfig c;
  c.epsilon = 1e-5;
  c.steps_per_level = quick ? 10 : 100;
  c.denoise = false;
  c.init.kind = InitialDistribution::Kind::Uniform;
  c.init.lo = -8.0;
  c.init.hi = 8.0;
  return run_sampler_workload(c, schedule, SdeParams{}, quick ? 1000 : 10'000, quick);
}

// Empirical-mixture score: P data points and Q queries, both ~ N(0, 4 I), at s = 0.5 (variance
// 0.25); seconds per evaluation.
json empirical(bool quick) {
  const Index P = quick ? 500 : 2000, Q = quick ? 512 : 4096;
  Rng rng(0);
  Points p(2, P), q(2, Q), s;
  rng.fill_normal(p);
  rng.fill_normal(q);
  p *= 2.0f;
  q *= 2.0f;
  const EmpiricalMixture model(p);
  const NoiseLevel level = NoiseLevel::sigma(0.5);
  const Timing t = time_repeated(quick, [&] { model.score(q, level, s); });
  return {{"points", P},
          {"queries", Q},
          {"seconds_per_eval", t.median_s},
          {"pairs_per_s", static_cast<double>(P) * Q / t.median_s},
          {"timing", to_json(t)},
          {"finite", s.allFinite()}};
}

// ---- the score network ------------------------------------------------------------------------

// Matrix-product FLOPs per training sample of a network (forward, weight gradients, and input
// gradients of every layer but the first, whose input needs none): the peer's exact count.
double train_flops_per_sample(const Mlp& mlp) {
  double fwd = 0, dx = 0;
  for (std::size_t l = 0; l < mlp.layers().size(); ++l) {
    const auto& L = mlp.layers()[l];
    fwd += 2.0 * L.in * L.out;
    if (l > 0) dx += 2.0 * L.in * L.out;
  }
  return 2 * fwd + dx;
}

// The torch peer's set-up: width 128, depth 3, Fourier(log σ) embedding 32, SiLU, continuous VE
// DSM with σ log-uniform in [0.01, 10], Adam lr 1e-3, fresh 8-Gaussian ring data every step.
TrainConfig peer_train_config(int batch) {
  TrainConfig c;
  c.sde.kind = SdeKind::VE;
  c.sde.sigma_min = 0.01;
  c.sde.sigma_max = 10.0;
  c.model = previous_model_for(SdeKind::VE);
  c.objective = previous_objective();  // the peer: t ~ U, λ = σ²
  c.adam.lr = 1e-3;
  c.adam.grad_clip = 0;  // the peer does not clip
  c.batch = batch;
  return c;
}

// Threads of the train_b* entries (--threads; the weights do not depend on it).
int g_train_threads = 1;

json train(int batch, bool quick) {
  const GaussianMixture data = ring8();
  TrainConfig cfg = peer_train_config(batch);
  cfg.threads = g_train_threads;
  TrainingSession session(cfg,
                          [&](Index n, Rng& rng, Points& out) { data.sample(n, rng, out); });
  for (int i = 0; i < 20; ++i) session.step();  // warm-up: buffers sized, caches warm
  const Timing t = time_repeated(quick, [&] { session.step(); });
  const double sps = 1 / t.median_s;
  return {{"batch", batch},
          {"threads", g_train_threads},
          {"steps", t.total_calls()},
          {"seconds", t.median_s * double(t.total_calls())},
          {"steps_per_s", sps},
          {"timing", to_json(t)},
          {"ms_per_step", 1e3 / sps},
          {"matmul_gflops", train_flops_per_sample(session.mlp()) * batch * sps / 1e9},
          {"final_loss_finite", session.snapshot() != nullptr}};
}

json train_256(bool quick) {
  return train(256, quick);
}
json train_1024(bool quick) {
  return train(1024, quick);
}
json train_4096(bool quick) {
  return train(4096, quick);
}

// The practical ceiling: one 128×128 by 128×4096 float product with Eigen on one thread.
json gemm_ceiling(bool quick) {
  const Eigen::MatrixXf W = Eigen::MatrixXf::Random(128, 128),
                        A = Eigen::MatrixXf::Random(128, 4096);
  Eigen::MatrixXf Z(128, 4096);
  const Timing t = time_repeated(quick, [&] { Z.noalias() = W * A; });
  return {{"m", 128},
          {"k", 128},
          {"n", 4096},
          {"gflops", 2.0 * 128 * 128 * 4096 / t.median_s / 1e9},
          {"timing", to_json(t)}};
}

// Score inference of a freshly initialised peer-sized network (speed does not depend on the
// weights): one batched call on the 128×128 grid over [−6, 6]² at σ = 0.1, and on 10,000
// particles; median milliseconds per call.
json inference(bool quick) {
  const TrainingSession session(peer_train_config(256), [](Index, Rng&, Points&) {});
  const LearnedScore model(session.snapshot(), /*use_ema=*/true);
  json timings;
  const auto median_ms = [&](const Points& x, const char* name) {
    Points s;
    const Timing t = time_repeated(quick, [&] { model.score(x, NoiseLevel::sigma(0.1), s); });
    timings[name] = to_json(t);
    return 1e3 * t.median_s;
  };
  Points grid(2, 128 * 128), particles(2, 10'000);
  for (Index i = 0; i < 128; ++i)
    for (Index j = 0; j < 128; ++j)
      grid.col(i * 128 + j) << -6.0f + 12.0f * i / 127, -6.0f + 12.0f * j / 127;
  Rng rng(0);
  rng.fill_normal(particles);
  particles *= 4.0f;
  return {{"grid128_ms", median_ms(grid, "grid128")},
          {"particles10k_ms", median_ms(particles, "particles10k")},
          {"timing", timings}};
}

// The learned score in a sampler: the reverse VE SDE (σ 0.01 → 10), Euler–Maruyama with the
// final denoising step, on 10,000 particles × 100 steps (quick: 1,000 × 10) with a freshly
// initialised peer-sized network (the torch peer's `sde` workload: the same sizes and steps).
json sde_learned(bool quick) {
  const TrainConfig cfg = peer_train_config(256);
  const TrainingSession session(cfg, [](Index, Rng&, Points&) {});
  const LearnedScore model(session.snapshot(), /*use_ema=*/true);
  SdeParams sde = cfg.sde;
  sde.N = quick ? 10 : 100;
  ReverseSdeConfig c;
  c.predictor = Predictor::EulerMaruyama;
  c.corrector = Corrector::None;
  return run_sampler_workload(c, SigmaSchedule{}, sde, quick ? 1000 : 10'000, quick, &model);
}

// ---- time to quality --------------------------------------------------------------------------

// Held-out anisotropic mixtures (not shipped scenes, not the learning tests' mixtures).
GaussianMixture mixture_of(std::initializer_list<GaussianComponent> comps) {
  return GaussianMixture(std::vector<GaussianComponent>(comps));
}
struct TtqCase {
  std::string_view name;
  GaussianMixture (*data)();
};
const TtqCase kTtqCases[] = {
    {"ring8", ring8},
    {"aniso3",  // unequal weights, correlated covariances, a little overlap
     [] {
       return mixture_of({component(0.5, -2.0, 1.0, 1.0, 0.6, 0.5),
                          component(0.3, 2.0, 2.0, 0.3, -0.2, 0.4),
                          component(0.2, 1.0, -2.5, 0.6, 0.25, 0.3)});
     }},
    {"thin4",  // four thin, rotated modes (minor std ≈ 0.1) and one broad
     [] {
       return mixture_of({component(0.25, -3.0, 0.0, 0.5, 0.0, 0.01),
                          component(0.25, 3.0, 0.0, 0.01, 0.0, 0.5),
                          component(0.2, 0.0, 3.0, 0.26, 0.24, 0.26),
                          component(0.3, 0.0, -3.0, 1.0, 0.0, 1.0)});
     }},
    {"skew2",  // two unequal, strongly correlated modes
     [] {
       return mixture_of({component(0.8, -1.5, -1.0, 1.0, 0.9, 1.0),
                          component(0.2, 2.5, 2.0, 0.2, -0.15, 0.2)});
     }},
};

struct TtqRecipe {
  std::string_view name;
  MlpConfig (*model)(SdeKind);
  ObjectiveConfig (*objective)();
};
const TtqRecipe kTtqRecipes[] = {
    {"previous", previous_model_for, previous_objective},
    {"new", default_model_for, [] { return ObjectiveConfig{}; }},
    // The straight path's: a velocity network (default_model_for) trained by flow matching.
    {"flow_matching", default_model_for,
     [] {
       ObjectiveConfig o;
       o.kind = ObjectiveKind::FlowMatching;
       return o;
     }},
};

// From fresh weights (seed 0), train on one thread with the scene defaults (batch 256, lr 1e-3,
// EMA 0.999, continuous denoising); every few hundred steps, sample with the default reverse SDE
// (Euler–Maruyama, N = 1000, no corrector, denoised) using the EMA weights and compare with exact
// samples. Passed: energy ratio ≤ 1 (against the exact-vs-exact 95th percentile, 2,000 points)
// and every mode weight within 4 standard errors of the exact sample's, on two independent
// samples of the same snapshot. Seconds are the training steps' CPU time on their one thread
// (evaluation excluded), so a loaded machine does not inflate them. The flow-matching rows run
// the same protocol on the straight path: the reverse SDE there follows the score the velocity
// network gives (f, g frozen past t_max, Sde::t_max), the ODE row integrates its velocity.
json time_to_quality_case(const TtqCase& c, SdeKind kind, const TtqRecipe& recipe, bool quick) {
  const GaussianMixture gmm = c.data();
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainConfig cfg;
  cfg.sde.kind = kind;
  cfg.model = recipe.model(kind);
  cfg.objective = recipe.objective();
  cfg.threads = 1;  // the seconds below are this thread's CPU time
  // Evaluations after 500 and 1,000 steps, then every 1,000 up to 4,000, every 2,000 up to 8,000,
  // then every 4,000 (each costs ~1.5 s of sampling); a run stops after 20 s of training (the
  // issue's target) or 30,000 steps.
  const long max_steps = quick ? 400 : 30000;
  const double max_train_s = quick ? 5.0 : 20.0;
  auto next_every = [&](long step) -> long {
    if (quick) return 200;
    return step < 1000 ? 500 : step < 4000 ? 1000 : step < 8000 ? 2000 : 4000;
  };
  const Index particles = quick ? 200 : 2000;
  TrainingSession session(cfg, data);
  Rng rng(17);
  const EnergyReference ref = energy_reference(data, particles, quick ? 10 : 40, rng);
  const Sde sde(cfg.sde);
  ReverseSdeConfig sde_cfg;
  auto sampler = make_sampler(sde_cfg, SigmaSchedule{}, cfg.sde);
  ProbabilityFlowConfig ode_cfg;
  ode_cfg.method = OdeMethod::Rk45;
  ode_cfg.rtol = ode_cfg.atol = 1e-4;
  auto ode = make_sampler(ode_cfg, SigmaSchedule{}, cfg.sde);
  QualityOptions opt;
  opt.particles = particles;
  opt.bands = 7;  // log-spaced σ̂ from 0.01 to σ̂(1): VE 0.01, 0.032, 0.1, …, 10; VP to ≈ 152
  opt.error_points = 500;

  double train_s = 0;
  const auto wall0 = Clock::now();
  json result = {{"case", c.name}, {"sde", to_string(kind)}, {"recipe", recipe.name},
                 {"passed", false}};
  auto passes = [&](const QualityReport& q) {
    if (!(q.energy_ratio <= 1)) return false;
    for (std::size_t k = 0; k < q.weights_learned.size(); ++k) {
      const double w = q.weights_exact[k];
      if (std::abs(q.weights_learned[k] - w) > 4 * std::sqrt(2 * w * (1 - w) / particles) + 1e-9)
        return false;
    }
    return true;
  };
  while (session.steps() < max_steps && train_s < max_train_s) {
    const double c0 = thread_cpu_seconds();
    for (long i = 0, n = next_every(session.steps()); i < n; ++i) session.step();
    train_s += thread_cpu_seconds() - c0;
    const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
    const QualityReport q = measure_quality(learned, gmm, data, &gmm, sde, *sampler, ref, opt, rng);
    result["steps"] = session.steps();
    result["train_cpu_seconds"] = train_s;
    result["sde_energy_ratio"] = q.energy_ratio;
    json err = json::array();
    for (std::size_t k = 0; k < q.levels.size(); ++k)
      err.push_back({{"sigma", q.levels[k].s / q.levels[k].m}, {"rel_error", q.rel_error[k]}});
    result["score_error"] = err;
    if (!passes(q)) continue;
    const QualityReport again =
        measure_quality(learned, gmm, data, &gmm, sde, *sampler, ref, opt, rng);
    if (!passes(again)) continue;
    const QualityReport flow = measure_quality(learned, gmm, data, &gmm, sde, *ode, ref, opt, rng);
    result["passed"] = true;
    result["sde_energy_ratio_confirm"] = again.energy_ratio;
    result["ode_energy_ratio"] = flow.energy_ratio;
    break;
  }
  result["wall_seconds"] = seconds_since(wall0);
  return result;
}

// The window's quality meter's recipe (QualityRecipe, core/train/quality.h): 8 bands × 1,000 points,
// 1,000 particles through the reverse SDE (Euler–Maruyama, 100 steps), ring8 under VE, a freshly
// initialised default model (cost does not depend on the weights): one measurement, and the
// energy reference it computes once per data target (100 exact-vs-exact pairs).
json quality_meter(bool quick) {
  const GaussianMixture gmm = ring8();
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainConfig cfg;
  const TrainingSession session(cfg, data);
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  const QualityRecipe meter;
  SdeParams meter_sde = cfg.sde;
  meter_sde.N = meter.sde_steps;
  auto sampler = make_sampler(ReverseSdeConfig{}, SigmaSchedule{}, meter_sde);
  const QualityOptions& opt = meter.options;
  Rng rng(1);
  EnergyReference ref;
  const int pairs = quick ? 10 : meter.reference_pairs;
  const Timing t_ref =
      time_repeated(quick, [&] { ref = energy_reference(data, opt.particles, pairs, rng); });
  const Timing t = time_repeated(quick, [&] {
    (void)measure_quality(learned, gmm, data, &gmm, Sde(cfg.sde), *sampler, ref, opt, rng);
  });
  return {{"bands", opt.bands},
          {"error_points", opt.error_points},
          {"particles", opt.particles},
          {"sde_steps", meter_sde.N},
          {"reference_pairs", pairs},
          {"median_ms", 1e3 * t.median_s},
          {"median_cpu_ms", 1e3 * t.cpu_s},
          {"reference_ms", 1e3 * t_ref.median_s},
          {"timing", to_json(t)},
          {"reference_timing", to_json(t_ref)}};
}

// Which time-to-quality runs: every case × {VE, VP, sub-VP} × the score recipes and every case on
// the straight path × flow matching, or those whose
// "case/sde/recipe" name contains one of the comma-separated words of --cases.
std::string g_ttq_filter;

json time_to_quality(bool quick) {
  json rows = json::array();
  for (const TtqCase& c : kTtqCases)
    for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP, SdeKind::RectifiedFlow})
      for (const TtqRecipe& r : kTtqRecipes) {
        // Flow matching is the straight path's recipe and the only one it trains with.
        if ((kind == SdeKind::RectifiedFlow) != (r.objective().kind == ObjectiveKind::FlowMatching))
          continue;
        // --quick (the CI smoke test, ~1 s a row) runs the straight path on the first case only.
        if (quick && kind == SdeKind::RectifiedFlow && &c != &kTtqCases[0]) continue;
        const std::string name =
            std::string(c.name) + "/" + std::string(to_string(kind)) + "/" + std::string(r.name);
        if (!g_ttq_filter.empty()) {
          bool hit = false;
          for (std::size_t a = 0; a <= g_ttq_filter.size();) {
            const std::size_t b = std::min(g_ttq_filter.find(',', a), g_ttq_filter.size());
            if (b > a && name.find(g_ttq_filter.substr(a, b - a)) != std::string::npos) hit = true;
            a = b + 1;
          }
          if (!hit) continue;
        }
        std::cerr << "bench: time_to_quality " << name << "...\n";
        rows.push_back(time_to_quality_case(c, kind, r, quick));
        std::cerr << "  " << rows.back().dump() << "\n";
      }
  return rows;
}

// ---- likelihood: the probability-flow log-density (core/likelihood), RK45 at rtol = atol = 1e-5 --

// log p of `n` ring8 draws (seed 3) under `model`, eps 1e-3, one thread, timed: the JSON of both
// likelihood entries.
json likelihood_points(const ScoreModel& model, const Sde& sde, Index n, bool quick) {
  Rng rng(3);
  Points x;
  ring8().sample(n, rng, x);
  LikelihoodOptions o;
  o.eps = 1e-3;
  o.threads = 1;
  Values lp;
  LikelihoodStats st;
  const Timing t =
      time_repeated(quick, [&] { log_likelihood(model, sde, x, o, lp, nullptr, {}, &st); });
  return {{"points", x.cols()},
          {"seconds", t.median_s},
          {"points_per_s", x.cols() / t.median_s},
          {"timing", to_json(t)},
          {"evaluations", st.evaluations},
          {"mean_nll", mean_nll(lp)},
          {"finite", lp.allFinite()}};
}

// Exact ring8 score under VP (β 0.1 … 20), eps 1e-3: log p of 2,000 data draws (quick: 100).
json likelihood_exact(bool quick) {
  const Sde sde(SdeParams{SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000});
  return likelihood_points(ring8(), sde, quick ? 100 : 2000, quick);
}

// The learned score of the likelihood test's set-up (ring8, VP, default VP network, 2,000 DSM
// steps, Adam 3e-3, batch 256, seed 1; quick: 50 steps; training is not timed), then
//   points_per_s: log p of 1,000 data draws at rtol = atol = 1e-5 (quick: 50);
//   map_seconds: the 128×128 model-density map over [−6, 6]² (quick: 16×16) at
//   rtol = atol = 1e-5 with the default chunks (32 points) and threads (the machine's cores), as
//   the window computes it (map_cpu_seconds: CPU time of all its threads). Target: under 10 s.
//   points_per_s stays on one thread, as the other workloads of this bench.
json likelihood_learned(bool quick) {
  const GaussianMixture gmm = ring8();
  const TrainConfig cfg = ring8_vp_likelihood_recipe();  // the likelihood test's model
  TrainingSession session(cfg, [gmm](Index n, Rng& r, Points& out) { gmm.sample(n, r, out); });
  for (int i = 0; i < (quick ? 50 : 2000); ++i) session.step();
  const LearnedScore model(session.snapshot(), /*use_ema=*/true);
  const Sde sde(cfg.sde);

  json result = likelihood_points(model, sde, quick ? 50 : 1000, quick);

  const int side = quick ? 16 : 128;
  Grid grid;
  grid.x0 = grid.y0 = -6, grid.x1 = grid.y1 = 6, grid.nx = grid.ny = side;
  const Points g = grid.points();
  LikelihoodOptions map;
  map.eps = 1e-3;
  map.threads = 0;
  map.rtol = map.atol = 1e-5;
  Values map_lp;
  LikelihoodStats map_st;
  const Timing t_map = time_repeated(
      quick, [&] { log_likelihood(model, sde, g, map, map_lp, nullptr, {}, &map_st); });
  const double map_s = t_map.median_s;
  const double map_cpu_s = t_map.cpu_s;  // all threads: wall time is inflated on a busy machine
  result.update({{"map_timing", to_json(t_map)},
                 {"map_grid", std::to_string(side) + "x" + std::to_string(side)},
                 {"map_tol", map.rtol},
                 {"map_threads",
                  static_cast<int>(std::thread::hardware_concurrency())},  // threads = 0
                 {"map_seconds", map_s},
                 {"map_cpu_seconds", map_cpu_s},
                 {"map_evaluations", map_st.evaluations}});
  result["finite"] = result["finite"].get<bool>() && map_lp.allFinite();
  return result;
}

// ---- export: the real `scorelab export` command, timed from the outside ----------------------

// Runs this binary's `export` command (it needs OpenGL, which this library does not link) on the
// default scene's reverse-SDE animation, 240 frames of 800×800 (quick: 24 of 200×200), and times
// the whole process as a user waits for it: start-up, GL, rendering, encoding, the rename.
// Skipped (with the reason) when there is no display or this process is not the scorelab binary
// (the in-process tests of this command).
json export_workload(const char* extension, bool quick) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || self.filename() != "scorelab") return {{"skipped", "not run from the scorelab binary"}};
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
    return {{"skipped", "no display: run the benchmark under xvfb-run -a"}};
  if (std::string_view(extension) == ".mp4" && std::system("command -v ffmpeg > /dev/null") != 0)
    return {{"skipped", "ffmpeg is not installed"}};
  char dir_template[] = "/tmp/scorelab_bench_XXXXXX";
  if (!::mkdtemp(dir_template)) return {{"skipped", "cannot create a temporary directory"}};
  const std::filesystem::path dir = dir_template, out = dir / (std::string("anim") + extension);
  const int frames = quick ? 24 : 240, side = quick ? 200 : 800;
  const std::string size = std::to_string(side) + "x" + std::to_string(side);
  std::string cmd = "'";  // built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + string
  cmd += self.string();
  cmd += "' export --out '";
  cmd += out.string();
  // --quality full: every frame at 256 colours (a GIF's slide default has fewer), the same
  // work as before the slide default, so the numbers stay comparable.
  cmd += "' --frames " + std::to_string(frames) + " --size " + size;
  if (std::string_view(extension) == ".gif") cmd += " --quality full";
  cmd += " > /dev/null 2>&1";
  int status = 0;
  const Timing t = time_repeated(quick, [&] {
    if (status == 0) status = std::system(cmd.c_str());
  });
  const auto bytes = std::filesystem::file_size(out, ec);
  std::filesystem::remove_all(dir, ec);
  if (status != 0)
    return {{"error", "scorelab export failed (exit status " + std::to_string(status) + ")"}};
  return {{"frames", frames},
          {"width", side},
          {"height", side},
          {"seconds", t.median_s},
          {"frames_per_s", frames / t.median_s},
          {"timing", to_json(t)},
          {"bytes", bytes}};
}

json export_gif(bool quick) {
  return export_workload(".gif", quick);
}
json export_mp4(bool quick) {
  return export_workload(".mp4", quick);
}

// ---- the table ----------------------------------------------------------------------------------

struct Workload {
  std::string_view name;  // key of its result in the output object
  json (*run)(bool quick);
};

constexpr Workload kWorkloads[] = {
    {"sde_em", sde_em},
    {"ald", ald},
    {"empirical", empirical},
    {"train_b256", train_256},
    {"train_b1024", train_1024},
    {"train_b4096", train_4096},
    {"gemm_ceiling", gemm_ceiling},
    {"inference", inference},
    {"sde_learned", sde_learned},
    {"likelihood_exact", likelihood_exact},
    {"likelihood_learned", likelihood_learned},
    {"export_gif", export_gif},
    {"export_mp4", export_mp4},
    {"quality_meter", quality_meter},
    {"time_to_quality", time_to_quality},
};

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

json machine_info() {
  // The widest SIMD the compiler was allowed to use; AVX or better means the build targeted this
  // CPU (-march=native), because the portable x86-64 baseline stops at SSE2.
#if defined(__AVX512F__)
  const char* simd = "avx512";
#elif defined(__AVX2__)
  const char* simd = "avx2";
#elif defined(__AVX__)
  const char* simd = "avx";
#else
  const char* simd = "sse2";
#endif
#if defined(__clang__)
  const std::string compiler = std::string("clang ") + __clang_version__;
#else
  const std::string compiler = std::string("gcc ") + __VERSION__;
#endif
#ifdef NDEBUG
  const bool asserts = false;
#else
  const bool asserts = true;
#endif
  return {{"cpu", cpu_model()},
          {"compiler", compiler},
          {"simd", simd},
          {"march_native", std::string_view(simd) != "sse2"},
          {"asserts", asserts}};
}

constexpr FlagSpec kBenchFlags[] = {
    {"--quick", "", "reduced sizes (a smoke test of a second or so, not a measurement)"},
    {"--only", "NAMES", "run only these workloads (comma-separated, e.g. time_to_quality)"},
    {"--cases", "WORDS", "time_to_quality: only runs whose case/sde/recipe contains a word"},
    {"--threads", "N", "threads of the train_b* entries, 1..64 (default 1)"},
};

int run_bench(const Flags& flags, std::ostream& out, std::ostream& err) {
  const bool quick = flags.has("--quick");
  g_train_threads = flags.has("--threads") ? static_cast<int>(flags.integer("--threads", 1, 64)) : 1;
  json result = {{"threads", g_train_threads}, {"quick", quick}, {"machine", machine_info()}};
  const std::string only = flags.has("--only") ? "," + flags.text("--only") + "," : "";
  g_ttq_filter = flags.has("--cases") ? flags.text("--cases") : "";
  for (const Workload& w : kWorkloads) {
    const std::string needle = std::string(",").append(w.name).append(",");
    if (!only.empty() && only.find(needle) == std::string::npos) continue;
    err << "bench: " << w.name << "...\n";
    result[std::string(w.name)] = w.run(quick);
  }
  out << result.dump() << "\n";
  return 0;
}

}  // namespace

const Command& bench_command() {
  static const Command c{
      "bench",
      "measure single-thread throughput (exact-score samplers, training, inference); JSON",
      "[--quick] [--only NAMES] [--cases WORDS] [--threads N]",
      "Workloads (the same as the NumPy peer tests/bench/peers/numpy_peer.py; exact score of\n"
      "the 8-Gaussian ring):\n"
      "  sde_em     reverse VE SDE (sigma 0.01..10), Euler-Maruyama, 10000 particles x 1000 steps\n"
      "             -> particle_steps_per_s\n"
      "  ald        annealed Langevin, 10 geometric levels 10..0.01, eps 1e-5, 100 steps per\n"
      "             level, init U[-8,8]^2, 10000 particles -> particle_steps_per_s\n"
      "  empirical  empirical-mixture score, 2000 points x 4096 queries at s = 0.5 -> pairs_per_s\n"
      "Score network (the PyTorch peer tests/bench/peers/torch_peer.py's set-up: width 128,\n"
      "depth 3, embedding 32,\n"
      "SiLU, continuous VE DSM, sigma log-uniform 0.01..10, Adam 1e-3, 8-Gaussian ring):\n"
      "  train_b256, train_b1024, train_b4096   training steps_per_s and matmul_gflops\n"
      "  gemm_ceiling  one 128x128 by 128x4096 float product with Eigen -> gflops\n"
      "  inference     one score call on a 128x128 grid and on 10000 particles -> ms\n"
      "  sde_learned   reverse VE SDE with that network, 10000 particles x 100 steps\n"
      "                -> particle_steps_per_s\n"
      "Likelihood (probability-flow ODE, RK45 rtol = atol = 1e-5, VP, eps 1e-3):\n"
      "  likelihood_exact    exact ring8 score, 2000 data points -> points_per_s\n"
      "  likelihood_learned  a network trained 2000 steps on ring8 (not timed): 1000 data\n"
      "                      points -> points_per_s; the 128x128 density map over [-6,6]^2\n"
      "                      at rtol = atol = 1e-5 -> map_seconds\n"
      "Export (the scorelab export command as a user runs it, default scene, reverse SDE;\n"
      "needs a display, e.g. xvfb-run -a scorelab bench):\n"
      "  export_gif, export_mp4   240 frames of 800x800 -> seconds, frames_per_s, bytes\n"
      "Learned-model quality (core/train/quality.h):\n"
      "  quality_meter    one measure_quality call as the window's meter runs it -> median ms\n"
      "  time_to_quality  fresh weights, one thread: steps and training seconds until the\n"
      "                   reverse-SDE samples (EMA weights, 2000 points) pass the energy test\n"
      "                   and the mode weights match, for ring8 and 3 held-out anisotropic\n"
      "                   mixtures x VE/VP/sub-VP x {previous, new} recipe, and the straight\n"
      "                   path x flow matching (minutes; select with --only time_to_quality\n"
      "                   --cases ring8/ve,thin4,rectified_flow)\n"
      "Timing: each workload runs a warm-up call, then 5 repetitions of at least 0.2 s (3 when\n"
      "they take over 10 s): \"seconds\" and the rates use the median per call; \"timing\" has\n"
      "the fastest and slowest repetition and the median CPU time (--quick: one call).\n"
      "plus \"machine\": CPU model, compiler, SIMD level and whether built for this CPU.\n"
      "Compare with the NumPy and PyTorch peers: tests/bench/compare_peers.py.",
      kBenchFlags,
      run_bench};
  return c;
}

}  // namespace scorelab::cli
