// GaussianMixture: validation, the batched closed-form kernel (log p, score, divergence) and
// sampling, all at a noise level {m, s}.
#include "core/distributions/gaussian_mixture.h"

#include <algorithm>
#include <Eigen/LU>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <numbers>
#include <string>

#include "core/common/error.h"

namespace scorelab {
namespace {

std::string component_error(std::size_t k, const std::string& reason) {
  return "Gaussian mixture component " + std::to_string(k) + ": " + reason;
}

// m = 0 is a level too (the straight path's t = 1: pure noise, C = s² I); m = s = 0 is not.
void check_level(const NoiseLevel& level) {
  if (!(std::isfinite(level.m) && level.m >= 0))
    throw InputError("noise level: m must be finite and >= 0, got " + number_text(level.m));
  if (!(std::isfinite(level.s) && level.s >= 0))
    throw InputError("noise level: s must be finite and >= 0, got " + number_text(level.s));
  if (level.m == 0 && level.s == 0)
    throw InputError("noise level: m and s are both 0 (no density)");
}

// C = m² Σ + s² I, the covariance of a perturbed component.
Eigen::Matrix2d perturbed_cov(const Eigen::Matrix2d& cov, const NoiseLevel& level) {
  return level.m * level.m * cov + level.s * level.s * Eigen::Matrix2d::Identity();
}

// What the kernel needs of one perturbed component, computed once per call in double.
// C⁻¹ = [[a, b], [b, d]]; logc = ln π − ln 2π − ½ ln det C; tr = tr C⁻¹.
template <class S>
struct KernelComponent {
  S mx, my, a, b, d, logc, tr;
};

template <class S>
std::vector<KernelComponent<S>> kernel_components(const std::vector<GaussianComponent>& comps,
                                                  const NoiseLevel& level) {
  std::vector<KernelComponent<S>> out;
  for (const GaussianComponent& c : comps) {
    if (c.weight == 0) continue;  // contributes exp(−∞) = 0 everywhere
    const Eigen::Matrix2d C = perturbed_cov(c.cov, level);
    const double det = C(0, 0) * C(1, 1) - C(0, 1) * C(0, 1);
    const double a = C(1, 1) / det, b = -C(0, 1) / det, d = C(0, 0) / det;
    const double logc = std::log(c.weight) - std::log(2 * std::numbers::pi) - 0.5 * std::log(det);
    out.push_back({static_cast<S>(level.m * c.mean.x()), static_cast<S>(level.m * c.mean.y()),
                   static_cast<S>(a), static_cast<S>(b), static_cast<S>(d), static_cast<S>(logc),
                   static_cast<S>(a + d)});
  }
  return out;
}

}  // namespace

GaussianMixture::GaussianMixture(std::vector<GaussianComponent> components)
    : comps_(std::move(components)) {
  if (comps_.empty()) throw InputError("Gaussian mixture: needs at least one component (empty)");
  double largest = 0;  // the largest weight, which normalisation divides by first (below)
  for (std::size_t k = 0; k < comps_.size(); ++k) {
    GaussianComponent& c = comps_[k];
    if (!std::isfinite(c.weight) || c.weight < 0)
      throw InputError(
          component_error(k, "weight must be finite and >= 0, got " + number_text(c.weight)));
    if (!c.mean.allFinite())
      throw InputError(component_error(k, "mean must be finite, got (" + number_text(c.mean.x()) +
                                              ", " + number_text(c.mean.y()) + ")"));
    const Eigen::Matrix2d& S = c.cov;
    if (!S.allFinite()) throw InputError(component_error(k, "covariance must be finite"));
    const double scale = S.cwiseAbs().maxCoeff();
    if (std::abs(S(0, 1) - S(1, 0)) > 1e-9 * scale)
      throw InputError(component_error(
          k, "covariance is not symmetric (" + number_text(S(0, 1)) + " vs " + number_text(S(1, 0)) + ")"));
    c.cov(0, 1) = c.cov(1, 0) = 0.5 * (S(0, 1) + S(1, 0));  // exactly symmetric from here on
    const double det = c.cov(0, 0) * c.cov(1, 1) - c.cov(0, 1) * c.cov(0, 1);
    if (!(c.cov(0, 0) > 0 && det > 0))
      throw InputError(
          component_error(k, "covariance is not positive definite (det " + number_text(det) + ")"));
    largest = std::max(largest, c.weight);
  }
  if (!(largest > 0)) throw InputError("Gaussian mixture: all weights are zero");
  // Scale by the largest weight before summing: the sum of weights such as [1e308, 1e308]
  // overflows to infinity and would turn every normalised weight into 0 (then no component is
  // left to sample from). After the scaling every weight is in [0, 1] and the sum is in [1, K].
  double total = 0;
  for (GaussianComponent& c : comps_) total += (c.weight /= largest);
  for (GaussianComponent& c : comps_) c.weight /= total;
}

GaussianMixture GaussianMixture::perturbed(const NoiseLevel& level) const {
  check_level(level);
  std::vector<GaussianComponent> out = comps_;
  for (GaussianComponent& c : out) {
    c.mean *= level.m;
    c.cov = perturbed_cov(c.cov, level);
  }
  return GaussianMixture(std::move(out));
}

// The kernel: blocks of B points as structure-of-arrays columns, logits B×K, then log-sum-exp.
template <class S>
void GaussianMixture::evaluate(const PointsT<S>& x, const NoiseLevel& level,
                               ValuesT<S>* log_density, PointsT<S>* score,
                               ValuesT<S>* divergence) const {
  check_level(level);
  const std::vector<KernelComponent<S>> comps = kernel_components<S>(comps_, level);
  const Index K = static_cast<Index>(comps.size());
  const Index n = x.cols();
  if (log_density) log_density->resize(n);
  if (score) score->resize(2, n);
  if (divergence) divergence->resize(n);

  constexpr Index B = 128;
  using Col = Eigen::Array<S, B, 1>;
  Eigen::Array<S, B, Eigen::Dynamic> e(B, K);  // logits, then exp(logit − max)
  Col px, py, mx, sum, sx, sy, acc;
  for (Index i0 = 0; i0 < n; i0 += B) {
    const Index nb = std::min(B, n - i0);
    px.head(nb) = x.row(0).segment(i0, nb).transpose();
    py.head(nb) = x.row(1).segment(i0, nb).transpose();
    px.tail(B - nb).setZero();  // padding lanes: computed, never written out
    py.tail(B - nb).setZero();

    for (Index k = 0; k < K; ++k) {
      const KernelComponent<S>& c = comps[k];
      const Col dx = c.mx - px, dy = c.my - py;
      e.col(k) = c.logc - S(0.5) * (c.a * dx.square() + S(2) * c.b * dx * dy + c.d * dy.square());
    }
    mx = e.col(0);
    for (Index k = 1; k < K; ++k) mx = mx.max(e.col(k));
    sum.setZero();
    for (Index k = 0; k < K; ++k) {
      e.col(k) = (e.col(k) - mx).exp();
      sum += e.col(k);
    }
    if (log_density) log_density->segment(i0, nb) = (mx + sum.log()).head(nb);
    if (!score && !divergence) continue;

    // Turn the exponentials into responsibilities r_k; score = Σ r_k u_k.
    const Col inv = sum.inverse();
    sx.setZero();
    sy.setZero();
    for (Index k = 0; k < K; ++k) {
      const KernelComponent<S>& c = comps[k];
      e.col(k) *= inv;
      const Col dx = c.mx - px, dy = c.my - py;
      sx += e.col(k) * (c.a * dx + c.b * dy);
      sy += e.col(k) * (c.b * dx + c.d * dy);
    }
    if (score) {
      score->row(0).segment(i0, nb) = sx.head(nb).transpose();
      score->row(1).segment(i0, nb) = sy.head(nb).transpose();
    }
    if (!divergence) continue;
    // div = Σ r_k (‖u_k − score‖² − tr C_k⁻¹): the centred form of Σ r_k ‖u_k‖² − ‖score‖²,
    // which avoids cancelling two large numbers far from the modes.
    acc.setZero();
    for (Index k = 0; k < K; ++k) {
      const KernelComponent<S>& c = comps[k];
      const Col dx = c.mx - px, dy = c.my - py;
      const Col ux = c.a * dx + c.b * dy - sx, uy = c.b * dx + c.d * dy - sy;
      acc += e.col(k) * (ux.square() + uy.square() - c.tr);
    }
    divergence->segment(i0, nb) = acc.head(nb);
  }
}

template void GaussianMixture::evaluate<float>(const Points&, const NoiseLevel&, Values*, Points*,
                                               Values*) const;
template void GaussianMixture::evaluate<double>(const PointsT<double>&, const NoiseLevel&,
                                                ValuesT<double>*, PointsT<double>*,
                                                ValuesT<double>*) const;

void GaussianMixture::score(const Points& x, const NoiseLevel& level, Points& out) const {
  evaluate<float>(x, level, nullptr, &out, nullptr);
}

void GaussianMixture::log_density(const Points& x, const NoiseLevel& level, Values& out) const {
  evaluate<float>(x, level, &out, nullptr, nullptr);
}

void GaussianMixture::log_density(const PointsT<double>& x, const NoiseLevel& level,
                                  ValuesT<double>& out) const {
  evaluate<double>(x, level, &out, nullptr, nullptr);
}

void GaussianMixture::divergence(const Points& x, const NoiseLevel& level, Values& out) const {
  evaluate<float>(x, level, nullptr, nullptr, &out);
}

void GaussianMixture::class_score(const Points& x, const NoiseLevel& level, int k,
                                  Points& out) const {
  if (k < 0 || k >= classes()) throw std::out_of_range("class_score: no such component");
  GaussianComponent c = comps_[std::size_t(k)];
  c.weight = 1.0;
  GaussianMixture({c}).score(x, level, out);
}

void GaussianMixture::sample(Index n, Rng& rng, Points& out, const NoiseLevel& level,
                             std::vector<int>* labels) const {
  check_level(level);
  // Per component: the perturbed mean and the Cholesky factor L = [[l11, 0], [l21, l22]] of C.
  const std::size_t K = comps_.size();
  std::vector<double> cumulative(K);
  std::vector<Eigen::Matrix2d> chol(K);
  double run = 0;
  for (std::size_t k = 0; k < K; ++k) {
    run += comps_[k].weight;
    cumulative[k] = run;
    const Eigen::Matrix2d C = perturbed_cov(comps_[k].cov, level);
    const double l11 = std::sqrt(C(0, 0)), l21 = C(1, 0) / l11;
    chol[k] << l11, 0, l21, std::sqrt(std::max(0.0, C(1, 1) - l21 * l21));
  }
  // The last component with positive weight takes any rounding slack of the cumulative sum
  // (the trailing zero-weight ones follow it so the table stays sorted).
  std::size_t last = K - 1;
  while (comps_[last].weight == 0) --last;
  std::fill(cumulative.begin() + static_cast<std::ptrdiff_t>(last), cumulative.end(), 2.0);

  out.resize(2, n);
  rng.fill_normal(out);
  Eigen::ArrayXf u(n);
  rng.fill_uniform(u.data(), n, 0.0f, 1.0f);
  if (labels) labels->resize(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    // First k with u < cumulative[k]; zero-weight components never satisfy it.
    const std::size_t k =
        std::upper_bound(cumulative.begin(), cumulative.end(), double(u[i])) - cumulative.begin();
    const Eigen::Vector2d z = out.col(i).cast<double>();
    out.col(i) = (level.m * comps_[k].mean + chol[k] * z).cast<float>();
    if (labels) (*labels)[static_cast<std::size_t>(i)] = static_cast<int>(k);
  }
}

}  // namespace scorelab

namespace scorelab {

namespace {

// One point's view of the perturbed components, in double: u_k = C_k⁻¹ (m μ_k − x) and the
// responsibilities r_k (normalised), for the plain loops below.
struct PointTerms {
  std::vector<Eigen::Vector2d> mean, u;  // m μ_k, u_k
  std::vector<Eigen::Matrix2d> prec;     // C_k⁻¹
  std::vector<double> logc, r;           // ln π_k − ln 2π − ½ ln det C_k;  r_k

  PointTerms(const std::vector<GaussianComponent>& comps, const NoiseLevel& level) {
    check_level(level);
    const std::size_t K = comps.size();
    mean.resize(K), u.resize(K), prec.resize(K), logc.resize(K), r.resize(K);
    for (std::size_t k = 0; k < K; ++k) {
      const Eigen::Matrix2d C = perturbed_cov(comps[k].cov, level);
      mean[k] = level.m * comps[k].mean;
      prec[k] = C.inverse();
      logc[k] = std::log(comps[k].weight) - std::log(2 * std::numbers::pi) -
                0.5 * std::log(C.determinant());
    }
  }
  // Fills u and r at p; returns the score Σ_k r_k u_k.
  Eigen::Vector2d at(const Eigen::Vector2d& p) {
    double mx = -INFINITY;
    for (std::size_t k = 0; k < u.size(); ++k) {
      u[k] = prec[k] * (mean[k] - p);
      r[k] = logc[k] - 0.5 * (mean[k] - p).dot(u[k]);
      mx = std::max(mx, r[k]);
    }
    double sum = 0;
    for (double& rk : r) sum += (rk = std::exp(rk - mx));
    Eigen::Vector2d s = Eigen::Vector2d::Zero();
    for (std::size_t k = 0; k < u.size(); ++k) s += (r[k] /= sum) * u[k];
    return s;
  }
};

}  // namespace

void GaussianMixture::jvp(const Points& x, const NoiseLevel& level, const Points& v,
                          Points& out) const {
  assert(v.cols() == x.cols());
  PointTerms terms(comps_, level);
  out.resize(2, x.cols());
  for (Index i = 0; i < x.cols(); ++i) {
    const Eigen::Vector2d s = terms.at(x.col(i).cast<double>()), d = v.col(i).cast<double>();
    Eigen::Vector2d jv = Eigen::Vector2d::Zero();
    for (std::size_t k = 0; k < terms.u.size(); ++k)
      jv += terms.r[k] * ((terms.u[k] - s) * (terms.u[k] - s).dot(d) - terms.prec[k] * d);
    out.col(i) = jv.cast<float>();
  }
}

void GaussianMixture::velocity(const Points& x, const NoiseLevel& level, Points& out) const {
  PointTerms terms(comps_, level);
  out.resize(2, x.cols());
  for (Index i = 0; i < x.cols(); ++i) {
    terms.at(x.col(i).cast<double>());
    // v = Σ_k r_k E[m′ x_0 + s′ z | x, k] with E[x_0 | x, k] = μ_k − m Σ_k u_k and
    // E[z | x, k] = −s u_k: no division by m, so finite at m = 0 (header).
    Eigen::Vector2d v = Eigen::Vector2d::Zero();
    for (std::size_t k = 0; k < terms.u.size(); ++k)
      v += terms.r[k] * (level.dm * (comps_[k].mean - level.m * (comps_[k].cov * terms.u[k])) -
                         level.ds * level.s * terms.u[k]);
    out.col(i) = v.cast<float>();
  }
}

}  // namespace scorelab
