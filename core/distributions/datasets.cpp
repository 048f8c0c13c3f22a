// The dataset table: four Gaussian-mixture presets and six sample-only shapes, each scaled to
// about [−5, 5]². Sample-only sets draw in bulk (fill_uniform / fill_normal), so they are fast.
#include "core/distributions/datasets.h"

#include <cmath>
#include <numbers>
#include <string>

#include "core/common/error.h"

namespace scorelab {
namespace {

constexpr float kPi = std::numbers::pi_v<float>;
using Arr = Eigen::ArrayXf;

GaussianComponent isotropic(double weight, double x, double y, double std) {
  return {weight, Eigen::Vector2d(x, y), std * std * Eigen::Matrix2d::Identity()};
}

// Bulk draws for the sample-only sets: n uniforms in [0, 1) per call of uniform(), and a
// 2×n block of standard normals as the additive noise.
struct Draws {
  Index n;
  Rng& rng;
  Arr uniform() {
    Arr u(n);
    rng.fill_uniform(u.data(), n, 0.0f, 1.0f);
    return u;
  }
  Points normal() {
    Points z(2, n);
    rng.fill_normal(z);
    return z;
  }
};

// out = (x, y) + std · z, z ~ N(0, I) per point.
void set_with_noise(const Arr& x, const Arr& y, float std, Draws& d, Points& out) {
  out = d.normal() * std;
  out.row(0) += x.matrix().transpose();
  out.row(1) += y.matrix().transpose();
}

// Two interleaved half circles (sklearn's make_moons), centred and scaled by 3, noise std 0.25.
void moons(Index n, Rng& rng, Points& out) {
  Draws d{n, rng};
  const Arr t = d.uniform() * kPi, c = t.cos(), s = t.sin();
  const Arr upper = (d.uniform() < 0.5f).cast<float>();  // which moon, 1 = upper
  const Arr x = upper * c + (1 - upper) * (1 - c) - 0.5f;
  const Arr y = upper * s + (1 - upper) * (0.5f - s) - 0.25f;
  set_with_noise(3 * x, 3 * y, 0.25f, d, out);
}

// Three concentric circles of radius 1.5, 3 and 4.5, uniform along their total length
// (ring k drawn with probability ∝ its radius), noise std 0.1.
void rings(Index n, Rng& rng, Points& out) {
  Draws d{n, rng};
  const Arr u = d.uniform();
  const Arr radius = (u < 1.0f / 6).select(1.5f, (u < 0.5f).select(3.0f, Arr::Constant(n, 4.5f)));
  const Arr a = d.uniform() * (2 * kPi);
  set_with_noise(radius * a.cos(), radius * a.sin(), 0.1f, d, out);
}

// The swiss roll (sklearn's make_swiss_roll, (x, z) plane): t = 1.5π(1 + 2u), (t cos t, t sin t)
// scaled by 1/3 so the outer arm reaches radius 4.7, noise std 0.25.
void swiss_roll(Index n, Rng& rng, Points& out) {
  Draws d{n, rng};
  const Arr t = 1.5f * kPi * (1 + 2 * d.uniform());
  set_with_noise(t * t.cos() / 3, t * t.sin() / 3, 0.25f, d, out);
}

// Two interleaved spirals of radius θ/2 up to 4.7, θ = 3π √u (√u: arc length grows like θ², so
// points spread evenly along the arms); the second is the point reflection of the first; noise
// std 0.15.
void spirals(Index n, Rng& rng, Points& out) {
  Draws d{n, rng};
  const Arr th = 3 * kPi * d.uniform().sqrt();
  const Arr sign = 2 * (d.uniform() < 0.5f).cast<float>() - 1;
  set_with_noise(-sign * th * th.cos() / 2, sign * th * th.sin() / 2, 0.15f, d, out);
}

// A 4×4 checkerboard on [−4, 4]² with cells of side 2: uniform on the 8 cells whose column and
// row indices have the same parity. No noise (the edges are the point of this set).
void checkerboard(Index n, Rng& rng, Points& out) {
  Draws d{n, rng};
  const Arr x = 8 * d.uniform() - 4;
  const Arr col = ((x + 4) / 2).floor().min(3.0f);
  const Arr parity = col - 2 * (col / 2).floor();
  const Arr row = 2 * (d.uniform() < 0.5f).cast<float>() + parity;
  const Arr y = -4 + 2 * row + 2 * d.uniform();
  out.resize(2, n);
  out.row(0) = x.matrix().transpose();
  out.row(1) = y.matrix().transpose();
}

// The pinwheel of FFJORD's toy data: 5 arms; a point at radius 1 + 0.3 z_r, tangential offset
// 0.1 z_t, rotated by the arm angle 2πk/5 plus 0.25 exp(radius); all scaled by 2.
void pinwheel(Index n, Rng& rng, Points& out) {
  Draws d{n, rng};
  const Arr arm = (5 * d.uniform()).floor().min(4.0f);
  const Points z = d.normal();
  const Arr r = 1 + 0.3f * z.row(0).transpose().array();
  const Arr tang = 0.1f * z.row(1).transpose().array();
  const Arr a = arm * (2 * kPi / 5) + 0.25f * r.exp();
  out.resize(2, n);
  out.row(0) = (2 * (r * a.cos() - tang * a.sin())).matrix().transpose();
  out.row(1) = (2 * (r * a.sin() + tang * a.cos())).matrix().transpose();
}

}  // namespace

GaussianMixture two_gaussians() {
  // Two unit-variance modes on the diagonal with unequal weights: the picture of the blog's
  // score-field figures, small enough that one view shows both modes and the low-density gap.
  return GaussianMixture({isotropic(0.2, -2, -2, 1), isotropic(0.8, 2, 2, 1)});
}

GaussianMixture ncsn_toy() {
  return GaussianMixture({isotropic(0.8, 5, 5, 1), isotropic(0.2, -5, -5, 1)});
}

GaussianMixture ring8() {
  std::vector<GaussianComponent> comps;
  for (int k = 0; k < 8; ++k) {
    const double a = 2 * std::numbers::pi * k / 8;
    comps.push_back(isotropic(1, 4 * std::cos(a), 4 * std::sin(a), 0.3));
  }
  return GaussianMixture(std::move(comps));
}

GaussianMixture grid25() {
  std::vector<GaussianComponent> comps;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) comps.push_back(isotropic(1, -4 + 2 * i, -4 + 2 * j, 0.3));
  return GaussianMixture(std::move(comps));
}

const std::vector<DatasetInfo>& datasets() {
  // Descriptions are plain ASCII: they go to terminals and to the UI's default font.
  static const std::vector<DatasetInfo> table = {
      {"two_gaussians",
       "0.2 N((-2,-2), I) + 0.8 N((2,2), I): two modes with unequal weights",
       two_gaussians,
       {}},
      {"ncsn_toy",
       "0.8 N((5,5), I) + 0.2 N((-5,-5), I): the NCSN toy mixture (models/gmm.py)",
       ncsn_toy,
       {}},
      {"ring8", "8 Gaussians on a circle of radius 4, std 0.3, equal weights", ring8, {}},
      {"grid25",
       "25 Gaussians on the 5x5 grid {-4,-2,0,2,4}^2, std 0.3, equal weights",
       grid25,
       {}},
      {"moons",
       "two interleaved half circles (sklearn make_moons) scaled by 3, noise std 0.25",
       {},
       moons},
      {"rings", "three concentric circles of radius 1.5, 3 and 4.5, noise std 0.1", {}, rings},
      {"swiss_roll",
       "the 2-D swiss roll (t cos t, t sin t)/3, t in [1.5 pi, 4.5 pi], noise 0.25",
       {},
       swiss_roll},
      {"spirals", "two interleaved spirals of radius up to 4.7, noise std 0.15", {}, spirals},
      {"checkerboard",
       "uniform on the 8 dark cells of a 4x4 checkerboard on [-4, 4]^2",
       {},
       checkerboard},
      {"pinwheel", "a five-armed pinwheel (FFJORD toy data), radius up to about 5.5", {}, pinwheel},
  };
  return table;
}

const DatasetInfo& find_dataset(std::string_view name) {
  for (const DatasetInfo& d : datasets())
    if (d.name == name) return d;
  std::string allowed;
  for (const DatasetInfo& d : datasets()) {
    if (!allowed.empty()) allowed += ", ";
    allowed += d.name;
  }
  throw InputError("unknown dataset '" + std::string(name) + "' (allowed: " + allowed + ")");
}

void sample_dataset(const DatasetInfo& dataset, Index n, Rng& rng, Points& out) {
  if (dataset.mixture)
    dataset.mixture().sample(n, rng, out);
  else
    dataset.sampler(n, rng, out);
}

}  // namespace scorelab
