// `scorelab bench`: single-thread throughput of the exact-score workloads and of the score
// network, as one JSON object.
//
// The workloads mirror the peers in ../shared/peers: numpy_sde.py (same sizes, noise levels, step
// rules and initialisation) and torch_dsm.py (same network, data, noise and optimiser), so
// tests/bench/compare_peers.py can print the speed-ups. Adding a workload is one
// function and one row of kWorkloads.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include <unistd.h>

#include "app/cli/command.h"
#include "app/state/app_context.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/field/field.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/sample/sampler.h"
#include "core/train/training_session.h"

namespace scorelab::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs a sampler on the exact ring8 score; times the sampling loop only (as the peer does).
json run_sampler_workload(const SamplerConfig& config, const SigmaSchedule& schedule,
                          const SdeParams& sde, Index particles) {
  const GaussianMixture model = ring8();
  auto sampler = make_sampler(config, schedule, sde);
  Rng rng(0);
  sampler->start(particles, rng);
  const auto t0 = Clock::now();
  sampler->run(model, rng);
  const double s = seconds_since(t0);
  const double particle_steps = static_cast<double>(particles) * sampler->steps_taken();
  return {{"particles", particles},
          {"steps", sampler->steps_taken()},
          {"seconds", s},
          {"particle_steps_per_s", particle_steps / s},
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
  return run_sampler_workload(c, SigmaSchedule{}, sde, quick ? 1000 : 10'000);
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
  return run_sampler_workload(c, schedule, SdeParams{}, quick ? 1000 : 10'000);
}

// Empirical-mixture score: P data points and Q queries, both ~ N(0, 4 I), at s = 0.5 (variance
// 0.25); seconds per evaluation averaged over several repetitions after one warm-up.
json empirical(bool quick) {
  const Index P = quick ? 500 : 2000, Q = quick ? 512 : 4096;
  const int reps = quick ? 2 : 5;
  Rng rng(0);
  Points p(2, P), q(2, Q), s;
  rng.fill_normal(p);
  rng.fill_normal(q);
  p *= 2.0f;
  q *= 2.0f;
  const EmpiricalMixture model(p);
  const NoiseLevel level = NoiseLevel::sigma(0.5);
  model.score(q, level, s);  // warm-up: allocations, caches
  const auto t0 = Clock::now();
  for (int r = 0; r < reps; ++r) model.score(q, level, s);
  const double per_eval = seconds_since(t0) / reps;
  return {{"points", P},
          {"queries", Q},
          {"reps", reps},
          {"seconds_per_eval", per_eval},
          {"pairs_per_s", static_cast<double>(P) * Q / per_eval},
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
  c.model = default_model_for(SdeKind::VE);
  c.adam.lr = 1e-3;
  c.adam.grad_clip = 0;  // the peer does not clip
  c.batch = batch;
  return c;
}

json train(int batch, bool quick) {
  const GaussianMixture data = ring8();
  TrainingSession session(peer_train_config(batch),
                          [&](Index n, Rng& rng, Points& out) { data.sample(n, rng, out); });
  for (int i = 0; i < 20; ++i) session.step();  // warm-up: buffers sized, caches warm
  const double budget = quick ? 0.05 : 2.0;     // seconds of timed steps
  long steps = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < budget || steps < 5) {
    session.step();
    ++steps;
  }
  const double s = seconds_since(t0);
  const double sps = steps / s;
  return {{"batch", batch},
          {"steps", steps},
          {"seconds", s},
          {"steps_per_s", sps},
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
  Z.noalias() = W * A;
  const int reps = quick ? 3 : 200;
  const auto t0 = Clock::now();
  for (int r = 0; r < reps; ++r) Z.noalias() = W * A;
  const double s = seconds_since(t0);
  return {{"m", 128}, {"k", 128}, {"n", 4096}, {"gflops", 2.0 * 128 * 128 * 4096 * reps / s / 1e9}};
}

// Score inference of a freshly initialised peer-sized network (speed does not depend on the
// weights): one batched call on the 128×128 grid over [−6, 6]² at σ = 0.1, and on 10,000
// particles; median milliseconds per call.
json inference(bool quick) {
  const TrainingSession session(peer_train_config(256), [](Index, Rng&, Points&) {});
  const LearnedScore model(session.snapshot(), /*use_ema=*/true);
  const auto median_ms = [&](const Points& x) {
    Points s;
    model.score(x, NoiseLevel::sigma(0.1), s);  // warm-up
    std::vector<double> ms;
    for (int r = 0; r < (quick ? 3 : 30); ++r) {
      const auto t0 = Clock::now();
      model.score(x, NoiseLevel::sigma(0.1), s);
      ms.push_back(1e3 * seconds_since(t0));
    }
    std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
    return ms[ms.size() / 2];
  };
  Points grid(2, 128 * 128), particles(2, 10'000);
  for (Index i = 0; i < 128; ++i)
    for (Index j = 0; j < 128; ++j)
      grid.col(i * 128 + j) << -6.0f + 12.0f * i / 127, -6.0f + 12.0f * j / 127;
  Rng rng(0);
  rng.fill_normal(particles);
  particles *= 4.0f;
  return {{"grid128_ms", median_ms(grid)}, {"particles10k_ms", median_ms(particles)}};
}

// ---- likelihood: the probability-flow log-density (core/likelihood), RK45 at rtol = atol = 1e-5 --

// Exact ring8 score under VP (β 0.1 … 20), eps 1e-3: log p of 2,000 data draws (quick: 100).
json likelihood_exact(bool quick) {
  const GaussianMixture gmm = ring8();
  const Sde sde(SdeParams{SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000});
  Rng rng(3);
  Points x;
  gmm.sample(quick ? 100 : 2000, rng, x);
  LikelihoodOptions o;
  o.eps = 1e-3;
  Values lp;
  LikelihoodStats st;
  const auto t0 = Clock::now();
  log_likelihood(gmm, sde, x, o, lp, nullptr, {}, &st);
  const double s = seconds_since(t0);
  return {{"points", x.cols()},         {"seconds", s},
          {"points_per_s", x.cols() / s}, {"evaluations", st.evaluations},
          {"mean_nll", mean_nll(lp)},     {"finite", lp.allFinite()}};
}

// The learned score of the likelihood test's set-up (ring8, VP, default VP network, 2,000 DSM
// steps, Adam 3e-3, batch 256, seed 1; quick: 50 steps; training is not timed), then
//   points_per_s: log p of 1,000 data draws at rtol = atol = 1e-5 (quick: 50);
//   map128_seconds: the 128×128 model-density map over [−6, 6]² (quick: 16×16) at
//   rtol = atol = 1e-3, the window's map tolerance (a picture needs ~1e-3 nats, and the step
//   count at 1e-5 is about 5× larger: the map takes ~50 s there on the development machine).
json likelihood_learned(bool quick) {
  const GaussianMixture gmm = ring8();
  TrainConfig cfg;
  cfg.sde = {SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000};
  cfg.model = default_model_for(SdeKind::VP);
  cfg.adam.lr = 3e-3;
  cfg.batch = 256;
  cfg.seed = 1;
  TrainingSession session(cfg, [gmm](Index n, Rng& r, Points& out) { gmm.sample(n, r, out); });
  for (int i = 0; i < (quick ? 50 : 2000); ++i) session.step();
  const LearnedScore model(session.snapshot(), /*use_ema=*/true);
  const Sde sde(cfg.sde);

  Rng rng(3);
  Points x;
  gmm.sample(quick ? 50 : 1000, rng, x);
  LikelihoodOptions o;
  o.eps = 1e-3;
  Values lp;
  LikelihoodStats st;
  auto t0 = Clock::now();
  log_likelihood(model, sde, x, o, lp, nullptr, {}, &st);
  const double s = seconds_since(t0);

  const int side = quick ? 16 : 128;
  Grid grid;
  grid.x0 = grid.y0 = -6, grid.x1 = grid.y1 = 6, grid.nx = grid.ny = side;
  const Points g = grid.points();
  LikelihoodOptions map = o;
  map.rtol = map.atol = 1e-3;
  Values map_lp;
  LikelihoodStats map_st;
  t0 = Clock::now();
  log_likelihood(model, sde, g, map, map_lp, nullptr, {}, &map_st);
  const double map_s = seconds_since(t0);
  return {{"points", x.cols()},
          {"seconds", s},
          {"points_per_s", x.cols() / s},
          {"evaluations", st.evaluations},
          {"mean_nll", mean_nll(lp)},
          {"map_grid", std::to_string(side) + "x" + std::to_string(side)},
          {"map_tol", 1e-3},
          {"map_seconds", map_s},
          {"map_evaluations", map_st.evaluations},
          {"finite", lp.allFinite() && map_lp.allFinite()}};
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
  cmd += "' --frames " + std::to_string(frames) + " --size " + size + " > /dev/null 2>&1";
  const auto t0 = Clock::now();
  const int status = std::system(cmd.c_str());
  const double s = seconds_since(t0);
  const auto bytes = std::filesystem::file_size(out, ec);
  std::filesystem::remove_all(dir, ec);
  if (status != 0)
    return {{"error", "scorelab export failed (exit status " + std::to_string(status) + ")"}};
  return {{"frames", frames},           {"width", side}, {"height", side}, {"seconds", s},
          {"frames_per_s", frames / s}, {"bytes", bytes}};
}

json export_gif(bool quick) {
  return export_workload(".gif", quick);
}
json export_mp4(bool quick) {
  return export_workload(".mp4", quick);
}

// ---- a slider edit in the window -----------------------------------------------------------------

// The cost of one slider edit through AppContext::apply (validate, diff, rebuild what changed), as
// the window makes it while a slider is dragged: the level slider (view.left.t, nothing to rebuild)
// and the sampler speed, on the default scene and with a 20,000-point drawn set. Median of many.
json apply_edit(bool quick) {
  const int reps = quick ? 20 : 2000;
  const auto time_edits = [&](Scene scene) {
    scene.ui.training = false;
    app::RunMode mode;
    mode.scripted = true;
    app::AppContext ctx(scene, mode);
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) {
      Scene edit = ctx.scene();
      edit.view.left.t = 0.1 + 0.8 * (r % 100) / 100.0;  // a drag of the level slider
      edit.ui.steps_per_frame = 1 + r % 7;
      const auto t0 = Clock::now();
      ctx.apply(edit);
      ms.push_back(1e3 * seconds_since(t0));
    }
    std::sort(ms.begin(), ms.end());
    return json{{"median_ms", ms[ms.size() / 2]}, {"p95_ms", ms[ms.size() * 95 / 100]},
                {"edits", reps}};
  };
  Scene drawn = parse_scene_text(default_scene_json(), "default scene");
  PointSet set;
  Rng rng(1);
  for (int i = 0; i < 20'000; ++i) set.points.emplace_back(4 * rng.normal(), 4 * rng.normal());
  drawn.data.source = std::move(set);
  return {{"default_scene", time_edits(parse_scene_text(default_scene_json(), "default scene"))},
          {"drawn_20000_points", time_edits(drawn)}};
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
    {"likelihood_exact", likelihood_exact},
    {"likelihood_learned", likelihood_learned},
    {"export_gif", export_gif},
    {"export_mp4", export_mp4},
    {"apply_edit", apply_edit},
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
};

int run_bench(const Flags& flags, std::ostream& out, std::ostream& err) {
  const bool quick = flags.has("--quick");
  json result = {{"threads", 1}, {"quick", quick}, {"machine", machine_info()}};
  for (const Workload& w : kWorkloads) {
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
      "[--quick]",
      "Workloads (the same as the NumPy peer numpy_sde.py; exact score of the 8-Gaussian ring):\n"
      "  sde_em     reverse VE SDE (sigma 0.01..10), Euler-Maruyama, 10000 particles x 1000 steps\n"
      "             -> particle_steps_per_s\n"
      "  ald        annealed Langevin, 10 geometric levels 10..0.01, eps 1e-5, 100 steps per\n"
      "             level, init U[-8,8]^2, 10000 particles -> particle_steps_per_s\n"
      "  empirical  empirical-mixture score, 2000 points x 4096 queries at s = 0.5 -> pairs_per_s\n"
      "Score network (the PyTorch peer torch_dsm.py's set-up: width 128, depth 3, embedding 32,\n"
      "SiLU, continuous VE DSM, sigma log-uniform 0.01..10, Adam 1e-3, 8-Gaussian ring):\n"
      "  train_b256, train_b1024, train_b4096   training steps_per_s and matmul_gflops\n"
      "  gemm_ceiling  one 128x128 by 128x4096 float product with Eigen -> gflops\n"
      "  inference     one score call on a 128x128 grid and on 10000 particles -> ms\n"
      "Likelihood (probability-flow ODE, RK45 rtol = atol = 1e-5, VP, eps 1e-3):\n"
      "  likelihood_exact    exact ring8 score, 2000 data points -> points_per_s\n"
      "  likelihood_learned  a network trained 2000 steps on ring8 (not timed): 1000 data\n"
      "                      points -> points_per_s; the 128x128 density map over [-6,6]^2\n"
      "                      at rtol = atol = 1e-3 -> map_seconds\n"
      "Export (the scorelab export command as a user runs it, default scene, reverse SDE;\n"
      "needs a display, e.g. xvfb-run -a scorelab bench):\n"
      "  export_gif, export_mp4   240 frames of 800x800 -> seconds, frames_per_s, bytes\n"
      "plus \"machine\": CPU model, compiler, SIMD level and whether built for this CPU.\n"
      "Compare with the NumPy and PyTorch peers: tests/bench/compare_peers.py.",
      kBenchFlags,
      run_bench};
  return c;
}

}  // namespace scorelab::cli
