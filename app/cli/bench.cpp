// `scorelab bench`: single-thread throughput of the exact-score workloads, as one JSON object.
//
// The workloads mirror /work/shared/peers/numpy_sde.py (same sizes, noise levels, step rules and
// initialisation) so tests/bench/compare_numpy.py can print the speed-up. Adding a workload is one
// function and one row of kWorkloads.
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/command.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/sample/sampler.h"

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

struct Workload {
  std::string_view name;  // key of its result in the output object
  json (*run)(bool quick);
};

constexpr Workload kWorkloads[] = {
    {"sde_em", sde_em},
    {"ald", ald},
    {"empirical", empirical},
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
      "measure single-thread throughput of the exact-score workloads; one JSON object on stdout",
      "[--quick]",
      "Workloads (the same as the NumPy peer numpy_sde.py; exact score of the 8-Gaussian ring):\n"
      "  sde_em     reverse VE SDE (sigma 0.01..10), Euler-Maruyama, 10000 particles x 1000 steps\n"
      "             -> particle_steps_per_s\n"
      "  ald        annealed Langevin, 10 geometric levels 10..0.01, eps 1e-5, 100 steps per\n"
      "             level, init U[-8,8]^2, 10000 particles -> particle_steps_per_s\n"
      "  empirical  empirical-mixture score, 2000 points x 4096 queries at s = 0.5 -> pairs_per_s\n"
      "plus \"machine\": CPU model, compiler, SIMD level and whether built for this CPU.\n"
      "Compare with NumPy: tests/bench/compare_numpy.py.",
      kBenchFlags,
      run_bench};
  return c;
}

}  // namespace scorelab::cli
