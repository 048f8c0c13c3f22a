// The flow-map mesh against the closed form of a single isotropic Gaussian, a weak check on the
// ring of 8, its round trip, and its cancel.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/likelihood/encoding.h"
#include "core/likelihood/flow_map_mesh.h"

using namespace scorelab;

namespace {

// For data N(μ, σ² I) the marginal at t is N(m_t μ, v_t I), v_t = m_t² σ² + s_t², and the PF-ODE
// is affine. With y = x − m_t μ and the score −y / v_t:
//   dy/dt = f x − m_t' μ + ½ g² y / v_t = (f + ½ g² / v_t) y      (m_t' = f m_t),
// while the kernel's variance obeys d(s²)/dt = 2 f s² + g² (true of VE, VP and sub-VP), so
// dv_t/dt = 2 f v_t + g² and d(√v_t)/dt = (f + ½ g² / v_t) √v_t. Hence y / √v_t is constant along
// the flow: the map from t = a to t = b is
//   x ↦ m_b μ + (√v_b / √v_a) (x − m_a μ).
// Prior → data (a = T, b = eps) is μ + (σ / prior std)(x − 0) up to the kernel's m and s at the
// two ends, exactly as the brief expects.
PointsT<double> gaussian_flow(const PointsT<double>& x, const Sde& sde, const Eigen::Vector2d& mu,
                              double sigma, double a, double b) {
  const NoiseLevel la = sde.level(a), lb = sde.level(b);
  const double va = la.m * la.m * sigma * sigma + la.s * la.s;
  const double vb = lb.m * lb.m * sigma * sigma + lb.s * lb.s;
  return ((x.colwise() - la.m * mu) * std::sqrt(vb / va)).colwise() + lb.m * mu;
}

double max_distance(const PointsT<double>& a, const PointsT<double>& b) {
  return (a - b).colwise().norm().maxCoeff();
}

}  // namespace

TEST_CASE("flow map mesh: a single Gaussian's mesh is the closed-form affine map, VE and VP") {
  const Eigen::Vector2d mu(1.0, -0.5);
  const double sigma = 0.5;
  const GaussianMixture gauss({component(1.0, mu.x(), mu.y(), sigma * sigma, 0, sigma * sigma)});
  for (const SdeKind kind : {SdeKind::VE, SdeKind::VP}) {
    CAPTURE(to_string(kind));
    SdeParams p;
    p.kind = kind;
    const Sde sde(p);
    const double eps = likelihood_start_time(p, 0.0);
    FlowMesh mesh;
    // Prior → data over ±2.5 prior std (VE: ±25, VP: ±2.5), 21 lines.
    REQUIRE(flow_map_mesh(gauss, sde, FlowDirection::PriorToData, prior_region(sde), 21, eps, 1e-5,
                          mesh));
    CHECK(mesh.grid.cols() == 21 * 21);
    CHECK(mesh.grid(0, 0) == doctest::Approx(-2.5 * sde.prior_std()));
    CHECK(mesh.grid(1, 21 * 21 - 1) == doctest::Approx(2.5 * sde.prior_std()));
    const double forward =
        max_distance(mesh.warped, gaussian_flow(mesh.grid, sde, mu, sigma, Sde::T, eps));
    // Data → prior over the box of a few data points around μ.
    Points data(2, 3);
    data << 0.0f, 1.0f, 2.0f, -1.5f, -0.5f, 0.5f;
    REQUIRE(flow_map_mesh(gauss, sde, FlowDirection::DataToPrior, data_region(data), 11, eps, 1e-5,
                          mesh));
    const double backward =
        max_distance(mesh.warped, gaussian_flow(mesh.grid, sde, mu, sigma, eps, Sde::T));
    MESSAGE("largest vertex error: prior → data " << forward << ", data → prior " << backward);
    // RK45 at rtol = atol = 1e-5 per vertex over ~10 steps (float scores): errors of a few 1e-5
    // of the mesh's scale. The data end spans ~σ (0.5), the prior end up to 25 (VE): 1e-3 and
    // 1e-2 data units leave a margin of ~10× over what was measured, and a wrong map (e.g. the
    // score's sign, or m left out of the VP mean) is off by ≥ 0.1.
    CHECK(forward < 1e-3);
    CHECK(backward < 1e-2);
  }
}

TEST_CASE("flow map mesh: the ring of 8's exact flow takes most of the prior's grid to the data") {
  const GaussianMixture ring = ring8();  // radius 4, std 0.3
  SdeParams p;
  p.kind = SdeKind::VP;
  const Sde sde(p);
  FlowMesh mesh;
  REQUIRE(flow_map_mesh(ring, sde, FlowDirection::PriorToData, prior_region(sde), 21,
                        likelihood_start_time(p, 0.0), 1e-5, mesh));
  // Near the data: within 3 std (0.9) of a mode. The map is a sampler's transport, so the share
  // is about the data's mass within 3 std of a mode (99%) of the vertices weighted by the prior;
  // the grid is uniform instead, and the vertices between two basins' pulls land between the
  // modes, so a weak bound: at least 80% (a score of the wrong sign or scale leaves ~0%).
  int near = 0;
  for (Index i = 0; i < mesh.warped.cols(); ++i) {
    double best = 1e9;
    for (const GaussianComponent& c : ring.components())
      best = std::min(best, (mesh.warped.col(i) - c.mean).norm());
    if (best < 0.9) ++near;
  }
  MESSAGE(near << " of " << mesh.warped.cols() << " vertices within 0.9 of a mode");
  CHECK(near >= 0.8 * double(mesh.warped.cols()));
}

TEST_CASE("flow map mesh: data → prior → data returns the vertices") {
  const GaussianMixture ring = ring8();
  for (const SdeKind kind : {SdeKind::VE, SdeKind::VP}) {
    CAPTURE(to_string(kind));
    SdeParams p;
    p.kind = kind;
    const Sde sde(p);
    const double eps = likelihood_start_time(p, 0.0);
    Rng rng(3);
    Points data;
    ring.sample(200, rng, data);
    FlowMesh mesh;
    REQUIRE(flow_map_mesh(ring, sde, FlowDirection::DataToPrior, data_region(data), 21, eps, 1e-5,
                          mesh));
    PointsT<double> back;
    REQUIRE(decode(ring, sde, mesh.warped, eps, 1e-5, back));
    const double err = max_distance(back, mesh.grid);
    MESSAGE("round trip's largest vertex error " << err);
    // The brief's ~1e-3 data units (the ODE's rtol 1e-5 there and back over a ±5 box).
    CHECK(err < 1e-3);
  }
}

TEST_CASE("flow map mesh: a cancel stops it and leaves the mesh; bad input is refused") {
  const GaussianMixture ring = ring8();
  const Sde sde{SdeParams{}};
  FlowMesh mesh;
  mesh.lines = 7;
  std::atomic<bool> cancel{true};
  LikelihoodControl control;
  control.cancel = &cancel;
  CHECK_FALSE(flow_map_mesh(ring, sde, FlowDirection::PriorToData, prior_region(sde), 21, 1e-5,
                            1e-5, mesh, control));
  CHECK(mesh.lines == 7);
  CHECK(mesh.warped.cols() == 0);
  CHECK_THROWS_AS(
      flow_map_mesh(ring, sde, FlowDirection::PriorToData, prior_region(sde), 1, 1e-5, 1e-5, mesh),
      InputError);
  CHECK_THROWS_AS(
      flow_map_mesh(ring, sde, FlowDirection::PriorToData, {1, 0, 1, 2}, 21, 1e-5, 1e-5, mesh),
      InputError);
  CHECK_THROWS_AS(data_region(Points(2, 0)), InputError);
}
