// read_claims and check_claims (see claims.h).
#include "core/lesson/claims.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include <Eigen/LU>

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
// off_modes: a point this many standard deviations (Mahalanobis) from every component is off
// them. An exact draw is that far from its own component with probability e^{−8} = 0.03% (2-D).
constexpr double kOffModeDistance = 4.0;

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

// A claim's bounds in words: "at least a", "at most b" or "between a and b", each number written
// by `text`.
std::string bounds(const Claim& c, std::string (*text)(double)) {
  if (c.at_least >= 0 && c.at_most >= 0)
    return "between " + text(c.at_least) + " and " + text(c.at_most);
  return c.at_least >= 0 ? "at least " + text(c.at_least) : "at most " + text(c.at_most);
}

// Whether v is within the claim's bounds (a bound of −1 is none).
bool within(const Claim& c, double v) {
  return (c.at_least < 0 || v >= c.at_least) && (c.at_most < 0 || v <= c.at_most);
}

// The distribution a run of the scene should reproduce: the data, or its exact conditional.
GaussianMixture target_of(const Scene& scene, const MixtureComponents& data) {
  const Conditioning* c = sampler_condition(scene.sampler);
  if (c && c->kind != Conditioning::Kind::None) return conditional_target(data, *c);
  return GaussianMixture(data);
}

// The fraction of points farther than kOffModeDistance standard deviations (Mahalanobis) from
// every component of `m`: particles a sampler left between or beyond the modes.
double off_modes_fraction(const GaussianMixture& m, const Points& x) {
  std::vector<Eigen::Matrix2d> precision;
  for (const GaussianComponent& k : m.components()) precision.push_back(k.cov.inverse());
  Index off = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const Eigen::Vector2d p = x.col(i).cast<double>();
    bool near = false;
    for (std::size_t k = 0; k < precision.size() && !near; ++k) {
      const Eigen::Vector2d d = p - m.components()[k].mean;
      near = d.dot(precision[k] * d) <= kOffModeDistance * kOffModeDistance;
    }
    off += near ? 0 : 1;
  }
  return x.cols() ? double(off) / double(x.cols()) : 0.0;
}

// The trace of the points' covariance (data units²): their spread about their own mean.
double total_variance(const Points& x) {
  if (x.cols() < 2) return 0.0;
  const Eigen::Vector2d mean = x.cast<double>().rowwise().mean();
  return (x.cast<double>().colwise() - mean).squaredNorm() / double(x.cols() - 1);
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
    // Which run the particle claims are of.
    if (r.has("run")) {
      const std::string run = r.string("run", "scene");
      if (run != "scene" && run != "compare")
        throw InputError(at + ".run must be scene or compare, got '" + run + "'");
      c.of_comparison = run == "compare";
      if (c.of_comparison && !scene.compare_sampler)
        throw InputError(at + ".run is compare but the step's scene has no compare_sampler");
    }
    if (kind == "mode_weight") {
      c.kind = Claim::Kind::ModeWeight;
      c.component = r.integer("component", 0);
      c.value = r.number("value", 0);
      c.tolerance = r.number("tolerance", c.tolerance);
      require_in_range(at + ".component", c.component, 0, double(data->size()) - 1);
      require_in_range(at + ".value", c.value, 0, 1);
      require_above(at + ".tolerance", c.tolerance, 0);
      require_in_range(at + ".tolerance", c.tolerance, 0, 1);
    } else if (kind == "weight_error" || kind == "matches_target" || kind == "off_modes" ||
               kind == "spread_ratio") {
      c.kind = kind == "weight_error"   ? Claim::Kind::WeightError
               : kind == "off_modes"    ? Claim::Kind::OffModes
               : kind == "spread_ratio" ? Claim::Kind::SpreadRatio
                                        : Claim::Kind::MatchesTarget;
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
    } else if (kind == "paired_distance") {
      c.kind = Claim::Kind::PairedDistance;
      c.at_least = r.number("at_least", -1);
      c.at_most = r.number("at_most", -1);
      if (c.at_least < 0 && c.at_most < 0) throw InputError(at + " needs at_least or at_most");
      if (!scene.compare_sampler)
        throw InputError(at + " compares two runs: the step's scene needs a compare_sampler");
    } else if (kind == "likelihood_error") {
      c.kind = Claim::Kind::LikelihoodError;
      c.at_most = r.number("at_most", -1);
      require_above(at + ".at_most", c.at_most, 0);
    } else {
      throw InputError(at +
                       ".kind must be mode_weight, weight_error, matches_target, off_modes, "
                       "spread_ratio, score_error, likelihood_error or paired_distance, got '" +
                       kind + "'");
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

std::string claim_statement(const Claim& c) {
  std::string stated;
  switch (c.kind) {
    case Claim::Kind::ModeWeight:
      stated = "component " + std::to_string(c.component) + " holds " + percent(c.value) + " ± " +
               percent(c.tolerance);
      break;
    case Claim::Kind::WeightError:
      stated = "the weights miss the target by " + bounds(c, percent);
      break;
    case Claim::Kind::MatchesTarget:
      stated = std::string(c.at_most < 0 ? "misses " : "matches ") +
               (c.t >= 0 ? "p_t at t = " + number(c.t) : "the target") + ": energy ratio " +
               bounds(c, number);
      break;
    case Claim::Kind::OffModes:
      stated = "particles off the modes (beyond " + number(kOffModeDistance) +
               " standard deviations): " + bounds(c, percent);
      break;
    case Claim::Kind::ScoreError:
      stated =
          "the learned score's median error at t = " + number(c.t) + " is " + bounds(c, percent);
      break;
    case Claim::Kind::PairedDistance:
      stated = "a start and its end: the two runs' particles end " + bounds(c, number) +
               " apart on average";
      break;
    case Claim::Kind::SpreadRatio:
      stated = "the particles' spread over the target's (total variance): " + bounds(c, number);
      break;
    case Claim::Kind::LikelihoodError:
      stated = "log p through the ODE is the closed form within " + number(c.at_most) + " nats";
      break;
  }
  return (c.of_comparison ? "the comparison run: " : "") + stated;
}

std::vector<ClaimCheck> check_claims(const std::vector<Claim>& claims, const Scene& scene,
                                     const Points& scene_particles, const ScoreModel* learned,
                                     std::uint64_t seed, const Points* compare) {
  std::vector<ClaimCheck> out;
  if (claims.empty()) return out;
  const MixtureComponents data = *mixture_components(scene.data);
  const GaussianMixture data_mixture(data), target = target_of(scene, data);
  Rng rng(seed);
  Points draw;
  target.sample(kTargetDraws, rng, draw);
  const std::vector<double> want = mode_weights(data_mixture, draw);
  for (const Claim& c : claims) {
    ClaimCheck k;
    k.stated = claim_statement(c);
    const bool needs_particles =
        c.kind == Claim::Kind::ModeWeight || c.kind == Claim::Kind::WeightError ||
        c.kind == Claim::Kind::MatchesTarget || c.kind == Claim::Kind::OffModes ||
        c.kind == Claim::Kind::SpreadRatio;
    if (needs_particles && c.of_comparison && !compare) {
      k.measured = "no comparison run";
      out.push_back(k);
      continue;
    }
    const Points& particles = c.of_comparison ? *compare : scene_particles;
    const std::vector<double> got =
        needs_particles ? mode_weights(data_mixture, particles) : std::vector<double>{};
    switch (c.kind) {
      case Claim::Kind::ModeWeight:
        k.value = got[std::size_t(c.component)];
        k.measured = percent(k.value);
        k.holds = std::abs(k.value - c.value) <= c.tolerance;
        break;
      case Claim::Kind::WeightError: {
        for (std::size_t j = 0; j < got.size(); ++j)
          k.value = std::max(k.value, std::abs(got[j] - want[j]));
        k.measured = percent(k.value);
        k.holds = within(c, k.value);
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
        k.measured = "energy ratio " + number(k.value);
        k.holds = within(c, k.value);
        break;
      }
      case Claim::Kind::OffModes:
        k.value = off_modes_fraction(target, particles);
        k.measured = percent(k.value);
        k.holds = within(c, k.value);
        break;
      case Claim::Kind::SpreadRatio:
        k.value = total_variance(particles) / std::max(total_variance(draw), 1e-12);
        k.measured = "spread ratio " + number(k.value);
        k.holds = within(c, k.value);
        break;
      case Claim::Kind::ScoreError: {
        if (!learned) {
          k.measured = "no learned model yet";
          break;
        }
        k.value = median_view_error(scene, *learned, c.t);
        k.measured = percent(k.value);
        k.holds = within(c, k.value);
        break;
      }
      case Claim::Kind::PairedDistance: {
        if (!compare) {
          k.measured = "no comparison run";
          break;
        }
        const Index n = std::min(scene_particles.cols(), compare->cols());
        k.value =
            n ? (scene_particles.leftCols(n) - compare->leftCols(n)).colwise().norm().mean() : 0.0;
        k.measured = "mean distance " + number(k.value);
        k.holds = within(c, k.value);
        break;
      }
      case Claim::Kind::LikelihoodError:
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
  std::optional<TrainingSession> session;
  std::optional<LearnedScore> learned;
  if (train_steps > 0) {
    session.emplace(scene.train_config(), make_data_source(scene.data));
    for (long i = 0; i < train_steps; ++i) session->step();
    learned.emplace(session->snapshot(), scene.ui.use_ema);
  }
  const bool learned_particles = learned && scene.ui.particle_source == FieldSource::Learned;
  const ScoreModel* follows = learned_particles ? &*learned : nullptr;
  // The comparison: the same scene (seed, stream, score) with its compare_sampler.
  std::optional<Points> compare;
  if (scene.compare_sampler) {
    Scene other = scene;
    other.sampler = *scene.compare_sampler;
    // The window's comparison follows the scene sampler's guidance (app_context.cpp): so here.
    const Conditioning* guide = sampler_condition(scene.sampler);
    if (Conditioning* c = sampler_condition(other.sampler); c && guide) *c = *guide;
    compare = sample_scene(other, follows);
  }
  return check_claims(claims, scene, sample_scene(scene, follows), learned ? &*learned : nullptr, 1,
                      compare ? &*compare : nullptr);
}

}  // namespace scorelab
