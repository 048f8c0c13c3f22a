// fit_data, prior_shift, fitted_sigma_max: σ_max from the data (see noise_fit.h for the why).
#include "core/scene/noise_fit.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "core/distributions/datasets.h"
#include "core/noise/schedule.h"
#include "core/scene/scene.h"
#include "core/scene/streams.h"

namespace scorelab {
namespace {

constexpr int kQuadratureNodes = 24;  // per axis
constexpr Index kMaxFitPoints = 256;   // points of an empirical set the shift looks at
constexpr double kLargestSigmaMax = 1e6;

// Gauss–Hermite nodes and weights for ∫ e^{−u²} f(u) du (Golub–Welsch: the eigenvalues of the
// Jacobi matrix of the Hermite polynomials, weights √π v₀²).
struct Hermite {
  std::array<double, kQuadratureNodes> node{}, weight{};
  Hermite() {
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(kQuadratureNodes, kQuadratureNodes);
    for (int i = 1; i < kQuadratureNodes; ++i) J(i, i - 1) = J(i - 1, i) = std::sqrt(i / 2.0);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(J);
    for (int i = 0; i < kQuadratureNodes; ++i) {
      node[i] = eig.eigenvalues()[i];
      const double v = eig.eigenvectors()(0, i);
      weight[i] = std::sqrt(std::numbers::pi) * v * v;
    }
  }
};

const Hermite& hermite() {
  static const Hermite h;
  return h;
}

// Rounds up to two significant digits: 36.3 → 37, 0.123 → 0.13.
double round_up_2(double x) {
  const double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
  return std::ceil(x / scale * (1 - 1e-12)) * scale;
}

Points ellipse_points(const std::vector<GaussianComponent>& comps) {
  constexpr int kDirections = 16;
  Points p(2, Index(comps.size()) * kDirections);
  Index j = 0;
  for (const GaussianComponent& c : comps) {
    const Eigen::Matrix2d L = c.cov.llt().matrixL();
    for (int d = 0; d < kDirections; ++d, ++j) {
      const double a = 2 * std::numbers::pi * d / kDirections;
      p.col(j) = (c.mean + 2.0 * L * Eigen::Vector2d(std::cos(a), std::sin(a))).cast<float>();
    }
  }
  return p;
}

}  // namespace

FitData fit_data(const DataConfig& data, std::uint64_t seed) {
  FitData out;
  Points points;
  if (const auto* comps = std::get_if<MixtureComponents>(&data.source)) {
    out.components = *comps;
  } else if (const auto* set = std::get_if<PointSet>(&data.source)) {
    points.resize(2, Index(set->points.size()));
    for (std::size_t i = 0; i < set->points.size(); ++i)
      points.col(Index(i)) = set->points[i].cast<float>();
  } else {
    const DatasetInfo& info = find_dataset(std::get<std::string>(data.source));
    if (info.mixture) {
      out.components = info.mixture().components();  // normalised weights
    } else {
      Rng rng = scene_streams(seed).data;  // the draw make_exact_score makes its points of
      sample_dataset(info, data.points, rng, points);
    }
  }
  if (!out.components.empty()) {
    double total = 0;
    for (const GaussianComponent& c : out.components) total += c.weight;
    for (GaussianComponent& c : out.components) c.weight /= total;
    out.extent = largest_pairwise_distance(ellipse_points(out.components));
    return out;
  }
  out.extent = largest_pairwise_distance(points);
  const Index n = points.cols(), stride = std::max<Index>(1, (n + kMaxFitPoints - 1) / kMaxFitPoints);
  const double w = 1.0 / double((n + stride - 1) / stride);
  for (Index i = 0; i < n; i += stride) {
    GaussianComponent c;
    c.weight = w;
    c.mean = points.col(i).cast<double>();
    c.cov.setZero();
    out.components.push_back(c);
  }
  return out;
}

double prior_shift(const FitData& data, const SdeParams& params) {
  const Sde sde(params);
  const NoiseLevel T = sde.level(Sde::T);
  const double prior = sde.prior_std();
  const std::size_t K = data.components.size();
  // Component k at level T: N(m μ_k, m² Σ_k + s² I); its log-density up to the shared −ln 2π.
  std::vector<Eigen::Vector2d> mean(K);
  std::vector<Eigen::Matrix2d> prec(K);
  std::vector<double> bias(K);
  for (std::size_t k = 0; k < K; ++k) {
    const GaussianComponent& c = data.components[k];
    const Eigen::Matrix2d C = T.m * T.m * c.cov + T.s * T.s * Eigen::Matrix2d::Identity();
    mean[k] = T.m * c.mean;
    prec[k] = C.inverse();
    bias[k] = std::log(std::max(c.weight, 1e-300)) - 0.5 * std::log(C.determinant());
  }
  const Hermite& h = hermite();
  std::vector<double> expected(K, 0.0), logit(K);
  for (int i = 0; i < kQuadratureNodes; ++i)
    for (int j = 0; j < kQuadratureNodes; ++j) {
      // x ~ N(0, prior² I): x = √2 · prior · (u_i, u_j), weight w_i w_j / π.
      const Eigen::Vector2d x = std::sqrt(2.0) * prior * Eigen::Vector2d(h.node[i], h.node[j]);
      double top = -1e300;
      for (std::size_t k = 0; k < K; ++k) {
        const Eigen::Vector2d d = x - mean[k];
        logit[k] = bias[k] - 0.5 * d.dot(prec[k] * d);
        top = std::max(top, logit[k]);
      }
      double total = 0;
      for (std::size_t k = 0; k < K; ++k) total += (logit[k] = std::exp(logit[k] - top));
      const double w = h.weight[i] * h.weight[j] / std::numbers::pi;
      for (std::size_t k = 0; k < K; ++k) expected[k] += w * logit[k] / total;
    }
  double shift = 0;
  for (std::size_t k = 0; k < K; ++k) shift += std::abs(expected[k] - data.components[k].weight);
  return 0.5 * shift;
}

double fitted_schedule_sigma_max(const FitData& data, double sigma_min) {
  return std::min(kLargestSigmaMax, round_up_2(std::max(data.extent, 10 * sigma_min)));
}

double fitted_sigma_max(const FitData& data, double sigma_min) {
  SdeParams ve;
  ve.kind = SdeKind::VE;
  ve.sigma_min = sigma_min;
  auto shift_at = [&](double sigma) {
    ve.sigma_max = sigma;
    return prior_shift(data, ve);
  };
  double lo = std::max(data.extent, 10 * sigma_min);
  if (shift_at(lo) <= kPriorShiftTolerance) return std::min(kLargestSigmaMax, round_up_2(lo));
  // Doubling, then bisection in log σ (the shift falls as σ grows: ~ offset² / σ²).
  double hi = 2 * lo;
  while (hi < kLargestSigmaMax && shift_at(hi) > kPriorShiftTolerance) lo = hi, hi *= 2;
  if (hi >= kLargestSigmaMax) return kLargestSigmaMax;
  for (int it = 0; it < 30 && hi / lo > 1.005; ++it) {
    const double mid = std::sqrt(lo * hi);
    (shift_at(mid) > kPriorShiftTolerance ? lo : hi) = mid;
  }
  return std::min(kLargestSigmaMax, round_up_2(hi));
}

void fit_noise_to_data(Scene& scene) {
  NoiseConfig& n = scene.noise;
  if (!n.sde_sigma_max_from_data && !n.schedule_sigma_max_from_data) return;
  const FitData data = fit_data(scene.data, scene.seed);
  if (n.sde_sigma_max_from_data) n.sde.sigma_max = fitted_sigma_max(data, n.sde.sigma_min);
  if (n.schedule_sigma_max_from_data)
    n.schedule.sigma_max = fitted_schedule_sigma_max(data, n.schedule.sigma_min);
}

}  // namespace scorelab
