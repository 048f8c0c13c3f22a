// Live numbers (see numbers.h): the exact distribution at a level, the three readings, and the
// window's background measuring.
#include "app/state/numbers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>

#include "app/state/app_context.h"
#include "core/common/error.h"
#include "core/scene/exact_score.h"
#include "core/scene/streams.h"
#include "core/train/quality.h"

namespace scorelab::app {

// ---- the exact distribution at a level -----------------------------------------------------

void LevelTarget::sample(const NoiseLevel& level, Index n, Rng& rng, Points& out) const {
  if (mixture) {
    mixture->sample(n, rng, out, level);
    return;
  }
  // A uniformly chosen point of the set, then x_t = m p + s z.
  out.resize(2, n);
  Points z(2, n);
  rng.fill_normal(z);
  const Index P = points.cols();
  for (Index i = 0; i < n; ++i) {
    const Index j = static_cast<Index>(rng.below(static_cast<std::uint64_t>(P)));
    out.col(i) = float(level.m) * points.col(j) + float(level.s) * z.col(i);
  }
}

// The scene's condition when it has one (a kind other than none), else nothing.
std::optional<Conditioning> scene_condition(const AppContext& ctx) {
  const Conditioning* c = sampler_condition(ctx.scene().sampler);
  if (!c || c->kind == Conditioning::Kind::None) return std::nullopt;
  return *c;
}

LevelTarget level_target(const AppContext& ctx) {
  LevelTarget t;
  const std::optional<Conditioning> condition = scene_condition(ctx);
  if (auto comps = mixture_components(ctx.scene().data)) {
    t.mixture.emplace(*comps);
    // A condition the data cannot have (a class beyond its components) is refused where the
    // scene is read; were one to get here, the readings stay of the data rather than throw.
    if (condition) try {
        t.mixture.emplace(conditional_target(*comps, *condition).components());
        t.conditional = true;
      } catch (const InputError&) {
      }
  } else {
    t.points = ctx.data_points();
  }
  return t;
}

// ---- particles per mode ----------------------------------------------------------------------

std::vector<double> mode_fractions(const GaussianMixture& clean, const NoiseLevel& level,
                                   const Points& x) {
  // The clean mixture's argmax rule (core's mode_weights) applied to the perturbed components.
  return mode_weights(clean.perturbed(level), x);
}

// ---- the marginal strip -----------------------------------------------------------------------

double Marginal1D::cdf(double z) const {
  double p = 0;
  for (std::size_t k = 0; k < weights.size(); ++k)
    p += weights[k] * 0.5 * std::erfc(-(z - means[k]) / std::sqrt(2 * vars[k]));
  return p;
}

std::pair<double, double> Marginal1D::range(double sds) const {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double sd = std::sqrt(vars[k]);
    lo = std::min(lo, means[k] - sds * sd);
    hi = std::max(hi, means[k] + sds * sd);
  }
  return {lo, hi};
}

Marginal1D marginal_along(const LevelTarget& target, const NoiseLevel& level,
                          const Eigen::Vector2d& u) {
  Marginal1D out;
  const double m = level.m, s2 = level.s * level.s;
  if (target.mixture) {
    for (const GaussianComponent& c : target.mixture->components()) {
      out.weights.push_back(c.weight);  // normalised by the mixture
      out.means.push_back(m * u.dot(c.mean));
      out.vars.push_back(m * m * u.dot(c.cov * u) + s2);
    }
    return out;
  }
  const Index P = target.points.cols();
  for (Index j = 0; j < P; ++j) {
    out.weights.push_back(1.0 / double(P));
    out.means.push_back(m * u.dot(target.points.col(j).cast<double>()));
    out.vars.push_back(s2);
  }
  return out;
}

MarginalStrip marginal_strip(const Points& x, const Eigen::Vector2d& u, const Marginal1D& exact,
                             double lo, double hi, int bins) {
  MarginalStrip strip;
  strip.lo = lo;
  strip.hi = hi;
  strip.particles.assign(std::size_t(bins), 0.0);
  const double width = (hi - lo) / bins;
  for (Index i = 0; i < x.cols(); ++i) {
    const double z = u.x() * x(0, i) + u.y() * x(1, i);
    const double b = std::floor((z - lo) / width);
    if (!(b >= 0 && b < bins)) {  // also NaN
      ++strip.outside;
      continue;
    }
    strip.particles[std::size_t(b)] += 1;
  }
  const double n = double(std::max<Index>(x.cols(), 1));
  for (double& c : strip.particles) c /= n * width;
  // The bin's probability from the CDF at its edges (each edge evaluated once).
  std::vector<double> F(std::size_t(bins) + 1);
  for (int e = 0; e <= bins; ++e) F[std::size_t(e)] = exact.cdf(lo + e * width);
  for (int b = 0; b < bins; ++b)
    strip.exact.push_back(std::max(F[std::size_t(b) + 1] - F[std::size_t(b)], 0.0) / width);
  return strip;
}

// ---- energy distance ---------------------------------------------------------------------------

EnergyNumbers measure_energy(const LevelTarget& target, const NoiseLevel& level,
                             const Points& particles, Rng& rng) {
  EnergyNumbers out;
  out.n = std::min(kEnergyParticles, particles.cols());
  if (out.n < 2) return out;
  const Points x = particles.leftCols(out.n);
  Points y;
  target.sample(level, out.n, rng, y);
  out.energy = energy_distance(x, y, &background_gate());
  const ExactSampler at_level = [&](Index n, Rng& r, Points& o) { target.sample(level, n, r, o); };
  const EnergyReference ref =
      energy_reference(at_level, out.n, kEnergyPairs, rng, &background_gate());
  out.null_p95 = ref.p95;
  const auto& e = ref.null_energies;  // sorted
  out.null_median = 0.5 * (e[(e.size() - 1) / 2] + e[e.size() / 2]);
  return out;
}

int guided_class(const AppContext& ctx) {
  const Conditioning* c = sampler_condition(ctx.scene().sampler);
  const auto comps = mixture_components(ctx.scene().data);
  if (!c || c->kind != Conditioning::Kind::Class || !comps ||
      c->component >= static_cast<int>(comps->size()))
    return -1;
  return c->component;
}

Reading measure(const LevelTarget& target, const NoiseLevel& level, const Points& particles,
                const Eigen::Vector2d& u, Rng& rng, int guided_class) {
  Reading r;
  if (target.mixture && target.conditional && guided_class >= 0) {
    // Class k's exact conditional is the target's one component (conditional_target).
    r.guided_class = guided_class;
    r.sharpening = measure_sharpening(target.mixture->components()[0], level, particles);
  }
  r.level = level;
  r.u = u;
  if (target.mixture) r.fractions = mode_fractions(*target.mixture, level, particles);
  const Marginal1D marginal = marginal_along(target, level, u);
  const auto [lo, hi] = marginal.range(3.5);
  r.strip = marginal_strip(particles, u, marginal, lo, hi, kMarginalBins);
  r.energy = measure_energy(target, level, particles, rng);
  return r;
}

// ---- the window's readings ------------------------------------------------------------------

void LiveNumbers::update(const AppContext& ctx, JobRunner& jobs) {
  if (ctx.data_revision() != data_revision_ || scene_condition(ctx) != condition_) {
    data_revision_ = ctx.data_revision();
    condition_ = scene_condition(ctx);
    target_ = std::make_shared<const LevelTarget>(level_target(ctx));
    true_weights_.clear();
    if (target_->mixture)
      for (const GaussianComponent& c : target_->mixture->components())
        true_weights_.push_back(c.weight);
    rng_ = scene_streams(ctx.scene().seed).display.split();
    reading_.reset();
    measured_revision_ = -1;
  }
  if (job_ && job_->finished()) {
    if (auto r = job_->take()) reading_ = std::move(*r);
    job_.reset();
  }
  const Particles& p = ctx.particles();
  const double angle = ctx.scene().ui.marginal_angle;
  // At most kMinInterval between background readings: each takes a core for ~0.1 s.
  const double now =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (job_ || !p.started() || p.display().cols() == 0 ||
      (p.revision() == measured_revision_ && angle == measured_angle_) ||
      (!ctx.mode().scripted && now - submitted_at_ < kMinInterval))
    return;
  measured_revision_ = p.revision();
  measured_angle_ = angle;

  // Everything the reading needs, copied: the particles move on while it runs.
  NoiseLevel level = p.level();
  level.s = std::max(level.s, kMinFieldStd);  // a point set's marginal needs s > 0
  const double rad = angle * std::numbers::pi / 180.0;
  const Eigen::Vector2d u(std::cos(rad), std::sin(rad));
  const int step = p.steps_taken(), total = p.total_steps();
  const int k = guided_class(ctx);
  Rng rng = rng_.split();
  auto work = [target = target_, level, x = Points(p.display()), u, step, total, k,
               rng](JobControl&) mutable {
    Reading r = measure(*target, level, x, u, rng, k);
    r.step = step;
    r.total_steps = total;
    return r;
  };
  if (ctx.mode().scripted) {
    JobControl unused;
    reading_ = work(unused);
    return;
  }
  submitted_at_ = now;
  job_ = jobs.submit<Reading>(std::move(work));
}

}  // namespace scorelab::app
