// Learning works: with a fixed seed and a stated budget, the trained score is close to the exact
// one, sampling with it finds every mode, exact score matching shows the low-density pitfall,
// and a diverging run is caught and rolled back.
//
// Under the sanitizers (SCORELAB_SANITIZED, set by tests/CMakeLists.txt) the two learning tests
// run the same code with a short budget and check what that budget can show (no guard message,
// the loss falls, everything finite, the shapes); their statistical bounds need the Release run
// (10,000 + 3,000 steps took ~340 s under ASan+UBSan).
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/distributions/datasets.h"
#include "core/nn/learned_score.h"
#include "core/sample/sampler_registry.h"
#include "core/train/training_session.h"

using namespace scorelab;

namespace {

#ifdef SCORELAB_SANITIZED
constexpr bool kStatistics = false;
#else
constexpr bool kStatistics = true;
#endif

DataSource from(const GaussianMixture& gmm) {
  return [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
}

// E‖s_θ − s‖² / E‖s‖² over points drawn from p_level.
double relative_error(const ScoreModel& learned, const GaussianMixture& gmm, NoiseLevel level,
                      const Points& x) {
  Points exact, got;
  gmm.score(x, level, exact);
  learned.score(x, level, got);
  return (got - exact).squaredNorm() / exact.squaredNorm();
}

// Runs `steps` training steps; returns the mean loss of the first and of the last `window` steps.
struct LossTrend {
  double first, last;
};
LossTrend run_steps(TrainingSession& session, int steps, int window) {
  std::vector<double> loss;
  for (int i = 0; i < steps; ++i) loss.push_back(session.step().loss);
  const auto mean = [&](auto begin) { return std::accumulate(begin, begin + window, 0.0) / window; };
  return {mean(loss.begin()), mean(loss.end() - window)};
}

}  // namespace

// Budget: 10,000 steps of batch 256, Adam lr 3e-3, continuous VE DSM (σ 0.01 … 10), seed 1,
// evaluated with the EMA weights. Measured on the development machine (AVX-512):
// 0.087 at σ = 0.1, 0.022 at σ = 1, 0.013 at σ = 3. Bounds leave ~2× room for other SIMD widths.
// Sanitizers: 300 steps, whose last 50 losses must average below the first 50 (measured under
// ASan: 0.86 → 0.77), errors on 2,000 points per level below 1, the zero score's (measured 0.63,
// 0.31, 0.20), and 200 Langevin particles × 5 steps per level, all finite.
TEST_CASE("DSM on the 8-Gaussian ring learns the perturbed score — annealed Langevin finds all modes") {
  const GaussianMixture gmm = ring8();
  TrainConfig cfg;
  cfg.sde = {SdeKind::VE, 0.01, 10.0, 0.1, 20.0, 1000};
  cfg.model = previous_model_for(SdeKind::VE);  // the recipe these bounds were measured for
  cfg.objective = previous_objective();
  cfg.adam.lr = 3e-3;
  cfg.batch = 256;
  cfg.seed = 1;
  TrainingSession session(cfg, from(gmm));
  const LossTrend loss = run_steps(session, kStatistics ? 10000 : 300, 50);
  MESSAGE("mean loss of the first 50 steps " << loss.first << ", of the last 50 " << loss.last);
  CHECK(session.warning().empty());
  CHECK(loss.last < loss.first);
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);

  const Sde ve(cfg.sde);
  Rng rng(5);
  const struct {
    double sigma, bound;
  } levels[] = {{0.1, 0.2}, {1.0, 0.05}, {3.0, 0.04}};
  for (const auto& [sigma, bound] : levels) {
    CAPTURE(sigma);
    const NoiseLevel lv = ve.level(std::log(sigma / 0.01) / std::log(1000.0));
    Points x;
    gmm.sample(kStatistics ? 20000 : 2000, rng, x, lv);
    const double err = relative_error(learned, gmm, lv, x);
    MESSAGE("relative error at σ = " << sigma << ": " << err);
    CHECK(err < (kStatistics ? bound : 1.0));  // 1.0: the error of the zero score
  }

  // Annealed Langevin with the learned score: σ 5 → 0.1 (the learned score is poor below that),
  // 10 levels × 50 steps, ε = 2e-3, denoised. 2,000 particles: a mode weight's standard error is
  // √(0.125·0.875/2000) = 0.0074, so ±0.04 is 5.4 standard errors.
  const SigmaSchedule schedule{ScheduleKind::Geometric, 0.1, 5.0, 10, 7.0};
  AnnealedLangevinConfig ald;
  ald.epsilon = 2e-3;
  ald.steps_per_level = kStatistics ? 50 : 5;
  auto sampler = make_sampler(ald, schedule, cfg.sde);
  Rng srng(9);
  const Index particles = kStatistics ? 2000 : 200;
  sampler->start(particles, srng);
  sampler->run(learned, srng);
  const Points& p = sampler->particles();
  REQUIRE(p.cols() == particles);
  REQUIRE(p.allFinite());
  if (!kStatistics) return;
  std::array<int, 8> count{};
  for (Index i = 0; i < p.cols(); ++i) {
    const double angle = std::atan2(p(1, i), p(0, i));
    const int k = static_cast<int>(std::lround(angle / (2 * M_PI / 8)) + 8) % 8;
    ++count[k];
  }
  for (int k = 0; k < 8; ++k) {
    CAPTURE(k);
    CHECK(std::abs(count[k] / 2000.0 - 0.125) < 0.04);
  }
}

// Exact score matching on clean data (one level, no perturbation, 3,000 steps, seed 2): the
// learned score is right where the data is and wrong where it is not. Measured: relative error
// 0.010 on data samples, 0.14 in the low-density regions (the ring's centre and beyond radius 6).
// Sanitizers: 150 steps, whose last 30 losses must average below the first 30 (measured under
// ASan: −0.10 → −4.1); on 400 + 400 points the error near the data below 1 (the zero score's;
// measured 0.64) and the error far from it finite (at this budget the two are alike, 0.62).
TEST_CASE("exact score matching on clean data: small error near the data, large far from it") {
  const GaussianMixture gmm = ring8();
  TrainConfig cfg;
  cfg.model = previous_model_for(SdeKind::VE);
  cfg.objective.kind = ObjectiveKind::Exact;
  cfg.objective.perturb = false;
  cfg.objective.levels = LevelSource::Discrete;
  cfg.schedule = {ScheduleKind::Geometric, 0.5, 1.0, 1, 7.0};  // a single nominal level σ = 1
  cfg.adam.lr = 1e-3;
  cfg.seed = 2;
  TrainingSession session(cfg, from(gmm));
  const LossTrend loss = run_steps(session, kStatistics ? 3000 : 150, 30);
  MESSAGE("mean loss of the first 30 steps " << loss.first << ", of the last 30 " << loss.last);
  CHECK(session.warning().empty());
  CHECK(loss.last < loss.first);
  const LearnedScore learned(session.snapshot(), true);

  Rng rng(5);
  const Index points = kStatistics ? 4000 : 400;
  Points near, far(2, points);
  gmm.sample(points, rng, near);
  for (Index i = 0; i < far.cols(); ++i) {
    const double a = 2 * M_PI * rng.uniform();
    const double r = i % 2 ? 6 + 2 * rng.uniform() : 1.5 * std::sqrt(rng.uniform());
    far.col(i) << static_cast<float>(r * std::cos(a)), static_cast<float>(r * std::sin(a));
  }
  // The model answers at its nominal level; the truth is the clean data score.
  auto err = [&](const Points& x) {
    Points exact, got;
    gmm.score(x, NoiseLevel::clean(), exact);
    learned.score(x, NoiseLevel::sigma(1.0), got);
    return (got - exact).squaredNorm() / exact.squaredNorm();
  };
  const double e_near = err(near), e_far = err(far);
  MESSAGE("relative error near the data " << e_near << ", far from it " << e_far);
  REQUIRE(std::isfinite(e_far));
  if (!kStatistics) {
    CHECK(e_near < 1.0);  // the error of the zero score
    return;
  }
  CHECK(e_near < 0.03);
  CHECK(e_far > 0.06);
  CHECK(e_far > 5 * e_near);
}

TEST_CASE("learning rate 1e3: divergence is caught, rolled back and reported") {
  const GaussianMixture gmm = ring8();
  TrainConfig cfg;
  cfg.adam.lr = 1e3;
  cfg.adam.grad_clip = 0;  // nothing softens the blow
  cfg.seed = 4;
  TrainingSession session(cfg, from(gmm));
  int rollbacks = 0;
  for (int i = 0; i < 50; ++i) {
    rollbacks += session.step().rolled_back;
    REQUIRE(session.params().allFinite());
    REQUIRE(session.ema().weights().allFinite());
    const auto snap = session.snapshot();
    REQUIRE(snap != nullptr);
  }
  CHECK(rollbacks >= 1);
  CHECK(session.warning().find("diverged") != std::string::npos);
  CHECK(session.warning().find("learning rate") != std::string::npos);
  CHECK(session.config().adam.lr < 1e3);
}
