#include "core/noise/schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/error.h"

namespace scorelab {

void SigmaSchedule::validate() const {
  // Each bound is checked on its own before their order, so a message never shows an empty range
  // ("sigma_max must be in [1e+300, 1e+06]") that blames sigma_max for sigma_min's value.
  require_above("noise.schedule.sigma_min", sigma_min, 0.0);
  require_in_range("noise.schedule.sigma_min", sigma_min, 0.0, 1e6);
  require_in_range("noise.schedule.sigma_max", sigma_max, 0.0, 1e6);
  if (!(sigma_max > sigma_min))
    throw InputError("noise.schedule.sigma_max (" + number_text(sigma_max) +
                     ") is not above noise.schedule.sigma_min (" + number_text(sigma_min) +
                     "): sigma_min must be smaller than sigma_max");
  require_in_range("noise.schedule.levels", levels, 1, 100000);
  require_in_range("noise.schedule.rho", rho, 1e-3, 1e3);
}

// σ_i of a validated schedule in O(1), so level(i) costs nothing per call (it used to build all
// L values: an L = 10⁵ schedule took minutes to set up, quadratic in L).
double SigmaSchedule::sigma_at(int i) const {
  const int L = levels;
  // Pin the ends exactly (exp/log and pow round-trips are off by an ulp or two).
  if (i == 0) return sigma_max;
  if (i == L - 1) return sigma_min;
  const double u = static_cast<double>(i) / (L - 1);  // 0 at σ_max, 1 at σ_min
  switch (kind) {
    case ScheduleKind::Geometric:
      return std::exp(std::log(sigma_max) + u * (std::log(sigma_min) - std::log(sigma_max)));
    case ScheduleKind::Linear:
      return sigma_max + u * (sigma_min - sigma_max);
    case ScheduleKind::Karras: {
      const double a = std::pow(sigma_max, 1.0 / rho), b = std::pow(sigma_min, 1.0 / rho);
      return std::pow(a + u * (b - a), rho);
    }
  }
  return sigma_max;
}

std::vector<double> SigmaSchedule::sigmas() const {
  validate();
  std::vector<double> out(static_cast<std::size_t>(levels));
  for (int i = 0; i < levels; ++i) out[static_cast<std::size_t>(i)] = sigma_at(i);
  return out;
}

double SigmaSchedule::time_of_sigma(double sigma) const {
  const double t = std::log(sigma / sigma_min) / std::log(sigma_max / sigma_min);
  return std::clamp(t, 0.0, 1.0);
}

NoiseLevel SigmaSchedule::level(int i) const {
  validate();
  if (i < 0 || i >= levels)
    throw std::out_of_range("SigmaSchedule::level: index " + std::to_string(i) + " of " +
                            std::to_string(levels));
  const double sigma = sigma_at(i);
  return {time_of_sigma(sigma), 1.0, sigma};
}

std::vector<NoiseLevel> SigmaSchedule::noise_levels() const {
  std::vector<NoiseLevel> out;
  for (double sigma : sigmas()) out.push_back({time_of_sigma(sigma), 1.0, sigma});
  return out;
}

int SigmaSchedule::index_at_time(double t) const {
  const int last = levels - 1;
  return std::clamp(static_cast<int>(std::lround((1.0 - t) * last)), 0, last);
}

double SigmaSchedule::time_of_index(int i) const {
  if (levels == 1) return 1.0;
  return 1.0 - static_cast<double>(i) / (levels - 1);
}

double largest_pairwise_distance(const Points& data) {
  if (data.cols() == 0) throw InputError("largest_pairwise_distance: the point set is empty");
  if (!data.allFinite()) throw InputError("largest_pairwise_distance: the point set has NaN or infinity");
  // Andrew's monotone chain: the farthest pair lies on the convex hull.
  std::vector<Eigen::Vector2d> p(static_cast<std::size_t>(data.cols()));
  for (Index i = 0; i < data.cols(); ++i) p[i] = data.col(i).cast<double>();
  std::sort(p.begin(), p.end(), [](const auto& a, const auto& b) {
    return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y());
  });
  auto cross = [](const Eigen::Vector2d& o, const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
  };
  std::vector<Eigen::Vector2d> hull;
  for (int pass = 0; pass < 2; ++pass) {
    const std::size_t start = hull.size();
    for (const auto& q : p) {
      while (hull.size() >= start + 2 && cross(hull[hull.size() - 2], hull.back(), q) <= 0)
        hull.pop_back();
      hull.push_back(q);
    }
    hull.pop_back();
    std::reverse(p.begin(), p.end());
  }
  if (hull.empty()) hull.push_back(p.front());
  double best = 0.0;
  for (std::size_t i = 0; i < hull.size(); ++i)
    for (std::size_t j = i + 1; j < hull.size(); ++j)
      best = std::max(best, (hull[i] - hull[j]).squaredNorm());
  return std::sqrt(best);
}

}  // namespace scorelab
