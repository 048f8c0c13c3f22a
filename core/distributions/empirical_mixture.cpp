// EmpiricalMixture: the exact perturbed score of a point set, one log-sum-exp per query,
// vectorised over the data points in register-wide chunks.
#include "core/distributions/empirical_mixture.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {
namespace {

// Per query the kernel works with the offsets d_j = x − m p_j, not with p_j itself:
//   logit_j = −‖d_j‖² h,   h = 1/(2s²)
//   score   = −(Σ_j r_j d_j) / s²
//   div     = (Σ_j r_j ‖d_j‖² − ‖Σ_j r_j d_j‖²) / s⁴ − 2/s²
// which equals the header's formulas (the posterior variance does not change under the shift
// p → x/m − p) but never subtracts two numbers of the size of ‖x‖², so float keeps its digits.
//
// Lanes: one chunk of W points is one 64-byte register (AVX-512) or a few narrower ones.
template <class S>
struct Chunk {
  static constexpr Index W = 64 / sizeof(S);
  using V = Eigen::Array<S, W, 1>;
  // exp arguments are clamped here: below it the weight is negligible (< 1e-34 of the largest),
  // and the clamp keeps exp out of the denormal range (3.5× slower in double without it).
  static constexpr S kExpFloor = std::is_same_v<S, float> ? S(-80) : S(-700);
};

// min_j ‖d_j‖², and Σ e_j, Σ e_j d_j, Σ e_j ‖d_j‖² with e_j = exp((min − ‖d_j‖²) h).
template <class S>
struct QuerySums {
  S dmin, se, sdx, sdy, sd2;
};

// The sums for one query at (x, y). mpx, mpy: m·p padded to whole chunks with copies of a real
// point; mask: 1 on the real lanes of the last chunk, 0 on the padding.
template <class S, bool kDiv>
QuerySums<S> query_sums(S x, S y, const S* mpx, const S* mpy, Index chunks,
                        const typename Chunk<S>::V& mask, S h) {
  using C = Chunk<S>;
  using V = typename C::V;
  using Map = Eigen::Map<const V>;
  // Pass 1: the smallest squared distance (the padding copies cannot change it).
  V vmin = V::Constant(std::numeric_limits<S>::infinity());
  for (Index c = 0; c < chunks; ++c) {
    const V dx = x - Map(mpx + c * C::W), dy = y - Map(mpy + c * C::W);
    vmin = vmin.min(dx * dx + dy * dy);
  }
  const S dmin = vmin.minCoeff();
  // Pass 2: exponentials relative to the largest logit, and their weighted sums.
  V se = V::Zero(), sdx = V::Zero(), sdy = V::Zero(), sd2 = V::Zero();
  auto accumulate = [&](Index c, auto masked) {
    const V dx = x - Map(mpx + c * C::W), dy = y - Map(mpy + c * C::W);
    const V d2 = dx * dx + dy * dy;
    V e = ((dmin - d2) * h).max(C::kExpFloor).exp();
    if constexpr (decltype(masked)::value) e *= mask;
    se += e;
    sdx += e * dx;
    sdy += e * dy;
    if constexpr (kDiv) sd2 += e * d2;
  };
  for (Index c = 0; c + 1 < chunks; ++c) accumulate(c, std::false_type{});
  accumulate(chunks - 1, std::true_type{});
  return {dmin, se.sum(), sdx.sum(), sdy.sum(), kDiv ? sd2.sum() : S(0)};
}

// m = 0 is a level (the straight path's t = 1, every kernel N(0, s² I)); s = 0 is not.
void check_empirical_level(const NoiseLevel& level) {
  if (!(std::isfinite(level.m) && level.m >= 0))
    throw InputError("noise level: m must be finite and >= 0, got " + number_text(level.m));
  if (!(std::isfinite(level.s) && level.s > 0))
    throw InputError(
        "empirical mixture: noise level s must be finite and > 0 (the density of a "
        "point set is a sum of deltas at s = 0), got " +
        number_text(level.s));
}

}  // namespace

EmpiricalMixture::EmpiricalMixture(const Points& points) {
  if (points.cols() == 0) throw InputError("empirical mixture: the point set is empty");
  for (Index j = 0; j < points.cols(); ++j)
    if (!points.col(j).allFinite())
      throw InputError("empirical mixture: point " + std::to_string(j) + " is not finite (" +
                       number_text(points(0, j)) + ", " + number_text(points(1, j)) + ")");
  pxf_ = points.row(0).transpose().array();
  pyf_ = points.row(1).transpose().array();
  px_ = pxf_.cast<double>();
  py_ = pyf_.cast<double>();
}

Points EmpiricalMixture::points() const {
  Points out(2, size());
  out.row(0) = pxf_.transpose().matrix();
  out.row(1) = pyf_.transpose().matrix();
  return out;
}

template <class S>
void EmpiricalMixture::evaluate(const PointsT<S>& x, const NoiseLevel& level,
                                ValuesT<S>* log_density, PointsT<S>* score,
                                ValuesT<S>* divergence) const {
  check_empirical_level(level);
  using C = Chunk<S>;
  const Index P = size(), n = x.cols();
  const Index chunks = (P + C::W - 1) / C::W;

  // Once per call: m·p padded with copies of p_0, and the mask of the last chunk's real lanes.
  Eigen::Array<S, Eigen::Dynamic, 1> mpx(chunks * C::W), mpy(chunks * C::W);
  if constexpr (std::is_same_v<S, float>) {
    mpx.head(P) = S(level.m) * pxf_;
    mpy.head(P) = S(level.m) * pyf_;
  } else {
    mpx.head(P) = level.m * px_;
    mpy.head(P) = level.m * py_;
  }
  mpx.tail(chunks * C::W - P).setConstant(mpx[0]);
  mpy.tail(chunks * C::W - P).setConstant(mpy[0]);
  typename C::V mask;
  for (Index l = 0; l < C::W; ++l) mask[l] = (chunks - 1) * C::W + l < P ? S(1) : S(0);

  const double s2 = level.s * level.s;
  const S h = static_cast<S>(0.5 / s2);
  const double log_norm = std::log(double(P)) + std::log(2 * std::numbers::pi * s2);
  if (log_density) log_density->resize(n);
  if (score) score->resize(2, n);
  if (divergence) divergence->resize(n);
  for (Index i = 0; i < n; ++i) {
    const S qx = x(0, i), qy = x(1, i);
    // Finish each query in double: a handful of operations, against P in the sums.
    auto finish = [&](const auto& q) {
      const double se = q.se, mdx = q.sdx / se, mdy = q.sdy / se;
      if (log_density) (*log_density)[i] = S(-q.dmin * (0.5 / s2) + std::log(se) - log_norm);
      if (score) score->col(i) << S(-mdx / s2), S(-mdy / s2);
      if (divergence)
        (*divergence)[i] = S((q.sd2 / se - (mdx * mdx + mdy * mdy)) / (s2 * s2) - 2 / s2);
    };
    if (divergence)
      finish(query_sums<S, true>(qx, qy, mpx.data(), mpy.data(), chunks, mask, h));
    else
      finish(query_sums<S, false>(qx, qy, mpx.data(), mpy.data(), chunks, mask, h));
  }
}

template void EmpiricalMixture::evaluate<float>(const Points&, const NoiseLevel&, Values*, Points*,
                                                Values*) const;
template void EmpiricalMixture::evaluate<double>(const PointsT<double>&, const NoiseLevel&,
                                                 ValuesT<double>*, PointsT<double>*,
                                                 ValuesT<double>*) const;

void EmpiricalMixture::score(const Points& x, const NoiseLevel& level, Points& out) const {
  evaluate<float>(x, level, nullptr, &out, nullptr);
}

void EmpiricalMixture::log_density(const Points& x, const NoiseLevel& level, Values& out) const {
  evaluate<float>(x, level, &out, nullptr, nullptr);
}

void EmpiricalMixture::log_density(const PointsT<double>& x, const NoiseLevel& level,
                                   ValuesT<double>& out) const {
  evaluate<double>(x, level, &out, nullptr, nullptr);
}

void EmpiricalMixture::velocity(const Points& x, const NoiseLevel& level, Points& out) const {
  check_empirical_level(level);
  const Index P = size();
  const double h = 0.5 / (level.s * level.s);
  Eigen::ArrayXd logit(P);
  out.resize(2, x.cols());
  for (Index i = 0; i < x.cols(); ++i) {
    const double qx = x(0, i), qy = x(1, i);
    logit = -((qx - level.m * px_).square() + (qy - level.m * py_).square()) * h;
    const Eigen::ArrayXd e = (logit - logit.maxCoeff()).exp();
    const double se = e.sum();
    // x̂_0 = Σ_j r_j p_j (finite at m = 0, where r is uniform); E[z | x] = (x − m x̂_0) / s.
    const double x0 = (e * px_).sum() / se, y0 = (e * py_).sum() / se;
    out.col(i) << float(level.dm * x0 + level.ds * (qx - level.m * x0) / level.s),
        float(level.dm * y0 + level.ds * (qy - level.m * y0) / level.s);
  }
}

void EmpiricalMixture::divergence(const Points& x, const NoiseLevel& level, Values& out) const {
  evaluate<float>(x, level, nullptr, nullptr, &out);
}

}  // namespace scorelab
