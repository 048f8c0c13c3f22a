// Sequential Monte Carlo on the observed line (see line_smc.h).
#include "core/sample/line_smc.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/error.h"

namespace scorelab {

namespace {

// Normalised weights exp(log_w − max); all zero when no weight is finite.
Eigen::VectorXd normalised(const Eigen::VectorXd& log_w) {
  double top = -std::numeric_limits<double>::infinity();
  for (double v : log_w)
    if (std::isfinite(v)) top = std::max(top, v);
  Eigen::VectorXd w(log_w.size());
  for (Index i = 0; i < log_w.size(); ++i)
    w[i] = std::isfinite(log_w[i]) ? std::exp(log_w[i] - top) : 0.0;
  const double sum = w.sum();
  if (sum > 0) w /= sum;
  return w;
}

}  // namespace

int LineSmc::intervals(const NoiseLevel& from, const NoiseLevel& to) {
  const double du = std::abs(2.0 * std::log(to.s / from.s));
  const int n = static_cast<int>(std::ceil(du / kMaxStep));
  return std::max(2, n + n % 2);
}

void LineSmc::start(Points& x) {
  hold(x);
  log_w_.setZero(x.cols());
  resamples_ = 0;
}

Eigen::VectorXd LineSmc::log_ratio(const ScoreModel& model, const NoiseLevel& from,
                                   const NoiseLevel& to, const Points& x) const {
  // Every score scorelab has offers it; a new kind without it gets a message, not a crash.
  if (!model.has_divergence())
    throw InputError(
        "sampler.condition.method 'smc' needs a score with a divergence (its "
        "weights come from the heat equation)");
  // ½ ∫ F dv over v = σ² from σ_from² to σ_to², with F = ∇·s + ‖s‖²; in u = ln v the integrand
  // is ½ F(e^u) e^u, smooth across the geometric levels annealing uses.
  const double u0 = 2.0 * std::log(from.s), u1 = 2.0 * std::log(to.s);
  const int n = intervals(from, to);
  const double h = (u1 - u0) / n;
  Eigen::VectorXd out = Eigen::VectorXd::Zero(x.cols());
  Points s;
  Values div;
  for (int j = 0; j <= n; ++j) {
    const double v = std::exp(u0 + j * h);
    const double simpson = (j == 0 || j == n) ? 1.0 : (j % 2 == 1 ? 4.0 : 2.0);
    // t between the levels' times, linear in ln σ (exact for geometric schedules; a learned VE
    // score reads s, not t).
    const NoiseLevel level{from.t + (to.t - from.t) * j / n, 1.0, std::sqrt(v)};
    model.score_and_divergence(x, level, s, div);
    const double c = simpson * h / 3.0 * 0.5 * v;
    for (Index i = 0; i < x.cols(); ++i)
      out[i] += c * (double(div[i]) + s.col(i).cast<double>().squaredNorm());
  }
  return out;
}

void LineSmc::reweight(const ScoreModel& model, const NoiseLevel& from, const NoiseLevel& to,
                       Points& x, Rng& rng) {
  const Eigen::VectorXd r = log_ratio(model, from, to, x);
  bool any = false;
  for (Index i = 0; i < x.cols(); ++i) {
    log_w_[i] = std::isfinite(r[i]) ? log_w_[i] + r[i] : -std::numeric_limits<double>::infinity();
    any |= std::isfinite(log_w_[i]);
  }
  // No finite weight: the score is not finite at any particle. Nothing to weigh by; the
  // particles go on unweighted and the next move shows them leaving the world.
  if (!any) log_w_.setZero();
  if (effective_sample_size() < 0.5 * double(x.cols())) resample(x, rng);
}

void LineSmc::resample(Points& x, Rng& rng) {
  const Index n = x.cols();
  if (n == 0) return;
  const Eigen::VectorXd w = normalised(log_w_);
  if (w.sum() <= 0) return;  // no finite weight (reweight resets that case)
  // Systematic: one uniform u, the points (u + k) / n against the cumulative weights.
  Points out(2, n);
  const double u = rng.uniform();
  double cumulative = w[0];
  Index parent = 0;
  for (Index k = 0; k < n; ++k) {
    const double point = (u + double(k)) / double(n);
    while (point > cumulative && parent + 1 < n) cumulative += w[++parent];
    out.col(k) = x.col(parent);
  }
  x = out;
  log_w_.setZero(n);
  ++resamples_;
}

double LineSmc::effective_sample_size() const {
  const Eigen::VectorXd w = normalised(log_w_);
  const double sq = w.squaredNorm();
  return sq > 0 ? 1.0 / sq : 0.0;
}

}  // namespace scorelab
