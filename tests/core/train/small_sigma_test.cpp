// Issue 11: with the default recipe (preconditioned output, log-σ̂ levels, balanced weighting), a
// fixed seed and a fixed step budget, the learned score is accurate down to σ̂ = 0.01 and the
// scene's reverse SDE driven by it produces samples that pass an energy test against exact
// samples, on ring8 and on two anisotropic mixtures that are not shipped scenes; VE and VP.
//
// Under the sanitizers (SCORELAB_SANITIZED, set by tests/CMakeLists.txt) the same code runs with
// a short budget and checks only that everything is finite: the memory paths are the same, the
// statistics need the Release run (8,000 steps × 6 models would take ~10 min under ASan).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/distributions/datasets.h"
#include "core/nn/learned_score.h"
#include "core/sample/sampler_registry.h"
#include "core/train/quality.h"
#include "core/train/training_session.h"
#include "energy_runs.h"

using namespace scorelab;

namespace {

#ifdef SCORELAB_SANITIZED
constexpr bool kSmallSigmaStatistics = false;
constexpr long kSteps = 100;
constexpr Index kParticles = 200, kErrorPoints = 500;
constexpr int kPairs = 3;
#else
constexpr bool kSmallSigmaStatistics = true;
constexpr long kSteps = 8000;
constexpr Index kParticles = 2000, kErrorPoints = 20000;
constexpr int kPairs = 40;
#endif

// Three tilted modes, one thin (minor std ≈ 0.2), unequal weights.
GaussianMixture tilt3() {
  return GaussianMixture({component(0.45, -2.5, -1.0, 0.8, -0.5, 0.6),
                          component(0.35, 1.5, 2.5, 0.15, 0.1, 0.5),
                          component(0.2, 2.5, -2.0, 0.3, 0.0, 0.05)});
}
// Two elongated modes at right angles (minor std 0.2), weights 0.6 / 0.4.
GaussianMixture cross2() {
  return GaussianMixture({component(0.6, 0.0, 2.0, 2.0, 0.0, 0.04),
                          component(0.4, 0.0, -1.5, 0.04, 0.0, 1.5)});
}

struct Outcome {
  double error_001;  // E‖s_θ − s‖² / E‖s‖² at σ̂ = 0.01
  double energy_ratio;  // median of three
};

Outcome train_and_measure(const GaussianMixture& gmm, SdeKind kind, const char* name) {
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainConfig cfg;  // the defaults of a new scene: batch 256, lr 1e-3, EMA 0.999
  cfg.sde.kind = kind;
  cfg.model = default_model_for(kind);
  cfg.seed = 1;
  TrainingSession session(cfg, data);
  for (long i = 0; i < kSteps; ++i) session.step();
  CHECK(session.warning().empty());
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  const Sde sde(cfg.sde);

  Rng rng(5);
  const double t001 = std::max(0.0, sde.time_of_sigma_hat(0.01));
  const double err = band_score_error(gmm, learned, data, sde.level(t001), kErrorPoints, rng);

  // The scene's default sampler: reverse SDE, Euler–Maruyama, N = 1000, denoised at the end.
  // (Sanitizers: 50 steps, one run; the memory paths are those of the full run.)
  SdeParams sampler_sde = cfg.sde;
  if (!kSmallSigmaStatistics) sampler_sde.N = 50;
  auto sampler = make_sampler(ReverseSdeConfig{}, SigmaSchedule{}, sampler_sde);
  const EnergyReference ref = energy_reference(data, kParticles, kPairs, rng);
  // Three independent sampler runs, each against a fresh exact sample: the median ratio.
  const testing::EnergyRuns runs = testing::energy_runs(
      learned, gmm, data, sde, *sampler, ref, kParticles, kSmallSigmaStatistics ? 3 : 1, rng);
  if (std::getenv("SCORELAB_PRINT_QUALITY"))
    MESSAGE(std::string(name) << " " << to_string(kind) << ": error(0.01) " << err
                              << ", energy ratios " << runs.ratios.front() << " … "
                              << runs.ratios.back());
  if (kSmallSigmaStatistics) testing::check_mode_weights(runs.last, kParticles);
  return {err, runs.median()};
}

}  // namespace

// Budget: 8,000 steps (about 6 s on one core), seed 1, EMA weights, 2,000 samples. Energy test:
// the median of three ratios to the 95th percentile of 40 exact-vs-exact distances must be ≤ 1
// (seeded, so the outcome is fixed; a correct sampler would fail with probability ~0.7%).
// Error at σ̂ = 0.01 (E‖s_θ − s‖² / E‖s‖², 20,000 points of p_σ̂) measured on the development
// machine (AVX-512): VE ring8 0.21, tilt3 0.13, cross2 0.10; VP 0.24, 0.20, 0.10; median energy
// ratios 0.23–0.58. Bounds: ~1.5× the measured error, for other SIMD widths. The previous recipe
// (h/σ, Fourier scale 16, t ~ U, λ = s²) is at 10–80 at this σ after 6,000 steps (README).
TEST_CASE("learned VE score: accurate at σ = 0.01, reverse-SDE samples pass the energy test") {
  const struct {
    const char* name;
    GaussianMixture gmm;
    double bound;
  } cases[] = {{"ring8", ring8(), 0.3}, {"tilt3", tilt3(), 0.2}, {"cross2", cross2(), 0.15}};
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const Outcome o = train_and_measure(c.gmm, SdeKind::VE, c.name);
    if (kSmallSigmaStatistics) {
      CHECK(o.error_001 < c.bound);
      CHECK(o.energy_ratio <= 1.0);
    }
  }
}

TEST_CASE("learned VP score: accurate at σ̂ = 0.01, reverse-SDE samples pass the energy test") {
  const struct {
    const char* name;
    GaussianMixture gmm;
    double bound;
  } cases[] = {{"ring8", ring8(), 0.35}, {"tilt3", tilt3(), 0.3}, {"cross2", cross2(), 0.15}};
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const Outcome o = train_and_measure(c.gmm, SdeKind::VP, c.name);
    if (kSmallSigmaStatistics) {
      CHECK(o.error_001 < c.bound);
      CHECK(o.energy_ratio <= 1.0);
    }
  }
}
