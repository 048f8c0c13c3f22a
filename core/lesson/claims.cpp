// read_claims and check_claims (see claims.h).
#include "core/lesson/claims.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"
#include "core/field/field.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/noise/sde.h"
#include "core/sample/conditioning.h"
#include "core/scene/exact_score.h"
#include "core/scene/json_reader.h"
#include "core/scene/scene_run.h"
#include "core/train/quality.h"

namespace scorelab {
namespace {

constexpr Index kTargetDraws = 100000;  // the target's weights: SE ≤ 0.0016 per component
constexpr Index kEnergyPoints = 1000;   // particles compared (the first ones: a random subset)
constexpr int kNullPairs = 5;           // exact-vs-exact distances behind the median

std::string percent(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f%%", 100 * v);
  return s;
}

std::string number(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.3g", v);
  return s;
}

// The distribution a run of the scene should reproduce: the data, or its exact conditional.
GaussianMixture target_of(const Scene& scene, const MixtureComponents& data) {
  const Conditioning* c = sampler_condition(scene.sampler);
  if (c && c->kind != Conditioning::Kind::None) return conditional_target(data, *c);
  return GaussianMixture(data);
}

// The learned score's relative error (the error map's) at level t, its median over a 64 × 64
// grid of the square view.
double median_view_error(const Scene& scene, const ScoreModel& learned, double t) {
  const ViewConfig& v = scene.view;
  const Grid grid{v.center_x - v.half_height, v.center_y - v.half_height,
                  v.center_x + v.half_height, v.center_y + v.half_height, 64, 64};
  Rng rng(0);  // the exact score of mixture data consumes no draw
  const std::unique_ptr<ScoreModel> exact = make_exact_score(scene.data, rng);
  Values e = relative_score_error(*exact, learned, grid.points(), Sde(scene.noise.sde).level(t))
                 .per_point;
  const Index mid = e.size() / 2;
  std::nth_element(e.data(), e.data() + mid, e.data() + e.size());
  return e[mid];
}

// The largest |log p through the PF-ODE − closed form| of the exact score over 200 fresh data
// draws (Rng(seed)), nats: the ODE at the model-density layer's tolerance, from the likelihood's
// start time at t = 0.
double ode_likelihood_error(const Scene& scene, const GaussianMixture& data, Rng& rng) {
  constexpr Index kDraws = 200;
  const Sde sde(scene.noise.sde);
  LikelihoodOptions o;
  o.rtol = o.atol = scene.layers.model_density.tol;
  o.eps = likelihood_start_time(scene.noise.sde, 0.0);
  Points x;
  data.sample(kDraws, rng, x);
  Values ode, closed;
  log_likelihood(data, sde, x, o, ode);
  data.log_density(x, sde.level(o.eps), closed);
  return (ode - closed).cwiseAbs().maxCoeff();
}

}  // namespace

std::vector<Claim> read_claims(const nlohmann::json& claims, const Scene& scene,
                               long train_steps) {
  const nlohmann::json& list = json_array(claims, "claims");
  const std::optional<MixtureComponents> data = mixture_components(scene.data);
  if (!data)
    throw InputError("claims need mixture data (a named mixture or a custom one): the particles "
                     "are assigned to its components");
  std::vector<Claim> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "claims[" + std::to_string(i) + "]";
    JsonReader r(list[i], at);
    Claim c;
    const std::string kind = r.string("kind", "");
    if (kind == "mode_weight") {
      c.kind = Claim::Kind::ModeWeight;
      c.component = r.integer("component", 0);
      c.value = r.number("value", 0);
      c.tolerance = r.number("tolerance", c.tolerance);
      require_in_range(at + ".component", c.component, 0, double(data->size()) - 1);
      require_in_range(at + ".value", c.value, 0, 1);
      require_above(at + ".tolerance", c.tolerance, 0);
      require_in_range(at + ".tolerance", c.tolerance, 0, 1);
    } else if (kind == "weight_error" || kind == "matches_target") {
      c.kind = kind == "weight_error" ? Claim::Kind::WeightError : Claim::Kind::MatchesTarget;
      c.at_least = r.number("at_least", -1);
      c.at_most = r.number("at_most", -1);
      if (c.at_least < 0 && c.at_most < 0)
        throw InputError(at + " needs at_least or at_most");
      if (c.kind == Claim::Kind::MatchesTarget && r.has("t")) {
        c.t = r.number("t", -1);
        require_in_range(at + ".t", c.t, 0, Sde::T);
      }
    } else if (kind == "score_error") {
      c.kind = Claim::Kind::ScoreError;
      c.t = r.number("t", -1);
      require_in_range(at + ".t", c.t, 0, Sde::T);
      c.at_least = r.number("at_least", -1);
      c.at_most = r.number("at_most", -1);
      if (c.at_least < 0 && c.at_most < 0) throw InputError(at + " needs at_least or at_most");
    } else if (kind == "likelihood_error") {
      c.kind = Claim::Kind::LikelihoodError;
      c.at_most = r.number("at_most", -1);
      require_above(at + ".at_most", c.at_most, 0);
    } else {
      throw InputError(at + ".kind must be mode_weight, weight_error, matches_target, "
                            "score_error or likelihood_error, got '" + kind + "'");
    }
    r.finish();
    out.push_back(c);
  }
  // Whether the claims need a learned model, and so the training they are of.
  const bool claims_error = std::any_of(out.begin(), out.end(), [](const Claim& c) {
    return c.kind == Claim::Kind::ScoreError;
  });
  const bool learned_particles = scene.ui.particle_source != FieldSource::Exact;
  if ((learned_particles || claims_error) && train_steps <= 0)
    throw InputError(std::string(learned_particles
                                     ? "claims of particles that follow the learned score"
                                     : "a score_error claim") +
                     " need the step's \"claims_train_steps\" (what a model shows depends on "
                     "training)");
  if (!learned_particles && !claims_error && train_steps > 0)
    throw InputError("\"claims_train_steps\" is for claims of a learned model (particles on the "
                     "learned score, or a score_error); these follow the exact score");
  return out;
}

std::vector<ClaimCheck> check_claims(const std::vector<Claim>& claims, const Scene& scene,
                                     const Points& particles, const ScoreModel* learned,
                                     std::uint64_t seed) {
  std::vector<ClaimCheck> out;
  if (claims.empty()) return out;
  const MixtureComponents data = *mixture_components(scene.data);
  const GaussianMixture data_mixture(data), target = target_of(scene, data);
  const std::vector<double> got = mode_weights(data_mixture, particles);
  Rng rng(seed);
  Points draw;
  target.sample(kTargetDraws, rng, draw);
  const std::vector<double> want = mode_weights(data_mixture, draw);
  for (const Claim& c : claims) {
    ClaimCheck k;
    switch (c.kind) {
      case Claim::Kind::ModeWeight:
        k.value = got[std::size_t(c.component)];
        k.stated = "component " + std::to_string(c.component) + " holds " + percent(c.value) +
                   " ± " + percent(c.tolerance);
        k.measured = percent(k.value);
        k.holds = std::abs(k.value - c.value) <= c.tolerance;
        break;
      case Claim::Kind::WeightError: {
        for (std::size_t j = 0; j < got.size(); ++j)
          k.value = std::max(k.value, std::abs(got[j] - want[j]));
        k.stated = "the weights miss the target by " +
                   (c.at_least >= 0 ? "at least " + percent(c.at_least)
                                    : "at most " + percent(c.at_most));
        k.measured = percent(k.value);
        k.holds = (c.at_least < 0 || k.value >= c.at_least) && (c.at_most < 0 || k.value <= c.at_most);
        break;
      }
      case Claim::Kind::MatchesTarget: {
        const GaussianMixture& goal =
            c.t >= 0 ? target.perturbed(Sde(scene.noise.sde).level(c.t)) : target;
        const Index n = std::min<Index>(particles.cols(), kEnergyPoints);
        Points exact, a, b;
        goal.sample(n, rng, exact);
        const double e = energy_distance(particles.leftCols(n), exact);
        std::vector<double> null;
        for (int p = 0; p < kNullPairs; ++p) {
          goal.sample(n, rng, a);
          goal.sample(n, rng, b);
          null.push_back(energy_distance(a, b));
        }
        std::nth_element(null.begin(), null.begin() + kNullPairs / 2, null.end());
        k.value = e / std::max(null[kNullPairs / 2], 1e-12);
        const std::string what = c.t >= 0 ? "p_t at t = " + number(c.t) : "the target";
        k.stated = c.at_least >= 0 ? "misses " + what + ": energy ratio at least " + number(c.at_least)
                                   : "matches " + what + ": energy ratio at most " + number(c.at_most);
        k.measured = "energy ratio " + number(k.value);
        k.holds = (c.at_least < 0 || k.value >= c.at_least) && (c.at_most < 0 || k.value <= c.at_most);
        break;
      }
      case Claim::Kind::ScoreError: {
        k.stated = "the learned score's median error at t = " + number(c.t) + " is " +
                   (c.at_least >= 0 ? "at least " + percent(c.at_least)
                                    : "at most " + percent(c.at_most));
        if (!learned) {
          k.measured = "no learned model yet";
          break;
        }
        k.value = median_view_error(scene, *learned, c.t);
        k.measured = percent(k.value);
        k.holds = (c.at_least < 0 || k.value >= c.at_least) && (c.at_most < 0 || k.value <= c.at_most);
        break;
      }
      case Claim::Kind::LikelihoodError:
        k.stated = "log p through the ODE is the closed form within " + number(c.at_most) + " nats";
        k.value = ode_likelihood_error(scene, data_mixture, rng);
        k.measured = "largest difference " + number(k.value) + " nats";
        k.holds = k.value <= c.at_most;
        break;
    }
    out.push_back(k);
  }
  return out;
}

std::vector<ClaimCheck> run_and_check_claims(const std::vector<Claim>& claims, const Scene& scene,
                                             long train_steps) {
  if (train_steps <= 0) return check_claims(claims, scene, sample_scene(scene));
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (long i = 0; i < train_steps; ++i) session.step();
  const LearnedScore learned(session.snapshot(), scene.ui.use_ema);
  const bool learned_particles = scene.ui.particle_source == FieldSource::Learned;
  return check_claims(claims, scene, sample_scene(scene, learned_particles ? &learned : nullptr),
                      &learned);
}

}  // namespace scorelab
