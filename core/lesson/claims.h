// A lesson step's claims: the numbers its caption states about the run it shows, declared so that
// they are checked (a picture is a claim; so is a number). A test runs every step of every shipped
// lesson headless and fails when a claim does not hold (tests/core/lesson/claims_test.cpp,
// `ctest -R claims`); the lesson panel shows each claim beside the value the window's own run
// measured.
//
// In a lesson step (core/lesson/lesson.h): "claims": [claim, ...], each one of
//   {"kind": "mode_weight", "component": k, "value": v, "tolerance": d}
//       the fraction of the final particles in data component k (assigned by the largest
//       responsibility under the clean data mixture) is v ± d
//   {"kind": "weight_error", "at_least": e}   or   "at_most": e
//       the largest |fraction − target weight| over the components (the target: the data, or the
//       exact conditional of a conditioned scene), e.g. "the weights come out wrong"
//   {"kind": "matches_target", "at_most": r}   or   "at_least": r
//       the energy ratio, energy distance of the particles to an exact draw of the target divided
//       by the median exact-vs-exact distance at the same size, is at most r (exact samplers
//       give ~1; a run that misses the target, 5 and more), or at least r ("misses it")
//     with "t": τ, the target is the data noised to level τ of the scene's SDE, p_τ (the forward
//       process's claims), instead of the data
//   {"kind": "off_modes", "at_most": f}   or   "at_least": f
//       the fraction of the final particles more than 4 standard deviations (Mahalanobis) from
//       every component of the target (exact draws: 0.03%): particles left between or beyond the
//       modes, e.g. by too few sampler steps
//   {"kind": "score_error", "t": τ, "at_most": e}   or   "at_least": e
//       the learned score's relative error ‖s_θ − s‖ / (‖s‖ + δ) (the error map's, unweighted)
//       at level τ of the scene's SDE, its median over a 64 × 64 grid of the square view
//       (the view's centre ± its half-height): "wrong over most of the view", or "right"
//   {"kind": "paired_distance", "at_least": d}   or   "at_most": d
//       the mean distance between the final particles of the scene's run and of its comparison
//       run (Scene::compare_sampler) from the same starting points, data units: "a start no longer
//       decides its end" (at least), or "the two samplers agree particle by particle" (at most)
//   {"kind": "spread_ratio", "at_most": r}   or   "at_least": r
//       the particles' total variance (the trace of their covariance, data units²) divided by the
//       target's: below 1 the run is sharper than the distribution it should reproduce (guidance
//       past its true scale), above 1 blurrier. Exact draws of 1,000 particles: 1 ± ~0.1
//   {"kind": "likelihood_error", "at_most": e}
//       the exact score's log p through the probability-flow ODE (RK45 at the scene's
//       layers.model_density.tol, from t = eps: likelihood_start_time) differs from the closed-form
//       log p_eps by at most e nats, the largest difference over 200 fresh data draws: "the ODE's
//       likelihood is the true one"
// mode_weight, weight_error, matches_target, off_modes and spread_ratio take "run": "compare" to be
// of the comparison run instead of the scene's (the scene must have a compare_sampler). Claims need
// mixture data (named mixtures or a custom one): a step without it is refused when read. Particles
// that follow the exact score are checked as they are. A step whose claims need a learned model
// (its particles follow the learned score, or it claims a score_error) needs its
// "claims_train_steps": N (core/lesson/lesson.h), and the claims are then of a model trained N
// steps with the step's train settings and seed (headless, from fresh weights: the same model
// every time), so a claim about what training learns is checked too.
// Fractions are of the run the step's scene makes (its seed, run 0); a tolerance covers the
// sampling error of another run (about 3 binomial standard errors), stated per claim.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/points.h"
#include "core/scene/scene.h"
#include "core/score/score_model.h"

namespace scorelab {

struct Claim {
  enum class Kind {
    ModeWeight,
    WeightError,
    MatchesTarget,
    OffModes,
    ScoreError,
    LikelihoodError,
    PairedDistance,
    SpreadRatio
  } kind = Kind::ModeWeight;
  int component = 0;         // ModeWeight: the data component k
  double value = 0;          // ModeWeight: the stated fraction, [0, 1]
  double tolerance = 0.03;   // ModeWeight: ±, (0, 1]
  double at_least = -1;      // WeightError: lower bound (−1: none)
  double at_most = -1;       // WeightError / MatchesTarget / ScoreError / LikelihoodError /
                             // PairedDistance / SpreadRatio: upper bound (−1: none)
  bool of_comparison = false;  // of the comparison run's particles (JSON "run": "compare")
  double t = -1;             // MatchesTarget: the target is p_t of the scene's SDE (−1: the data);
                             // ScoreError: the level of the error (required)
  bool operator==(const Claim&) const = default;
};

// Reads a step's "claims" array; `scene` is the step's scene (checked: mixture data, component
// indices below K, and `train_steps` > 0 exactly when the claims need a learned model). Throws
// InputError naming "claims[i].<field>".
std::vector<Claim> read_claims(const nlohmann::json& claims, const Scene& scene,
                               long train_steps = 0);

struct ClaimCheck {
  std::string stated;    // "component 1 holds 66% ± 3%" (what the caption says)
  std::string measured;  // "65.8%" (what the run gave)
  double value = 0;      // the measured number (fraction, or energy ratio)
  bool holds = false;
  bool pending = false;  // the window's run is not yet the one the claim is about (no verdict)
};

// What a claim states, in words ("component 1 holds 66.0% ± 3.0%"): ClaimCheck::stated, also
// shown before a run has ended.
std::string claim_statement(const Claim& claim);

// Checks the claims against the final particles of a run of `scene` (2 × n, data units), those of
// its comparison run (`compare`, of scene.compare_sampler; null: claims of it read as not
// holding) and, for score_error, the learned score `learned` (null: those claims read as not
// holding). The exact draws of the energy ratio come from Rng(seed).
std::vector<ClaimCheck> check_claims(const std::vector<Claim>& claims, const Scene& scene,
                                     const Points& particles, const ScoreModel* learned = nullptr,
                                     std::uint64_t seed = 1, const Points* compare = nullptr);

// Runs `scene` as a lesson step's claims describe it and checks them: its sampler (and its
// compare_sampler, from the same stream) from its seed (run 0) on the exact score, or, with
// train_steps > 0, on the learned score of a model trained that many steps from fresh weights (the
// scene's train settings, seed and EMA choice).
std::vector<ClaimCheck> run_and_check_claims(const std::vector<Claim>& claims, const Scene& scene,
                                             long train_steps = 0);

}  // namespace scorelab
