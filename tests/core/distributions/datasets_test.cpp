// The dataset table: lookup, determinism, finiteness and extent of every dataset, the shapes of
// a few sample-only sets, and the mixture presets as documented.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>

#include "core/common/error.h"
#include "core/distributions/datasets.h"

using namespace scorelab;

TEST_CASE("Dataset table: unique names, one kind each, lookup by name") {
  std::set<std::string_view> names;
  for (const DatasetInfo& d : datasets()) {
    CAPTURE(d.name);
    CHECK(names.insert(d.name).second);
    CHECK(bool(d.mixture) != bool(d.sampler));
    CHECK(!d.description.empty());
    CHECK(&find_dataset(d.name) == &d);
  }
  CHECK(names.size() == 10);
  CHECK_THROWS_WITH_AS(find_dataset("nope"),
                       doctest::Contains("unknown dataset 'nope' (allowed: two_gaussians, "),
                       InputError);
}

TEST_CASE("Every dataset: same seed gives bit-identical samples, finite and inside its box") {
  // Boxes: the sample-only sets are built to reach at most ~6 (shape radius ≤ 4.7 plus noise of
  // std ≤ 0.3 times the largest float Box–Muller normal, √(2 ln 2²⁴) ≈ 5.8), so [−7, 7]²; the
  // mixtures likewise reach their farthest mode (ncsn_toy, ±5, std 1) plus 5.8 std: [−12, 12]².
  for (const DatasetInfo& d : datasets()) {
    CAPTURE(d.name);
    for (Index n : {1, 257, 3000}) {  // a single point, and partial bulk-draw chunks
      Rng a(7), b(7), c(8);
      Points pa, pb, pc;
      sample_dataset(d, n, a, pa);
      sample_dataset(d, n, b, pb);
      sample_dataset(d, n, c, pc);
      REQUIRE(pa.cols() == n);
      CHECK(pa == pb);
      CHECK(a.next_u64() == b.next_u64());  // and the generators are left in the same state
      if (n > 1) CHECK(pa != pc);
      CHECK(pa.allFinite());
      const float box = d.mixture ? 12.0f : 7.0f;
      CHECK(pa.cwiseAbs().maxCoeff() <= box);
    }
  }
}

TEST_CASE("Sample-only shapes: rings lie on their circles, checkerboard on its dark cells") {
  Rng rng(3);
  Points p;
  sample_dataset(find_dataset("rings"), 20000, rng, p);
  int counts[3] = {0, 0, 0};
  for (Index i = 0; i < p.cols(); ++i) {
    // Radial noise std 0.1, at most 5.8 std: within 0.6 of one radius.
    const float r = p.col(i).norm();
    const int k = static_cast<int>(std::lround(r / 1.5f)) - 1;
    REQUIRE((k >= 0 && k < 3));
    CHECK(std::abs(r - 1.5f * (k + 1)) < 0.6f);
    ++counts[k];
  }
  // Probabilities 1/6, 2/6, 3/6 (∝ radius); 5 standard errors of a proportion (≤ 0.0036).
  CHECK(std::abs(counts[0] / 20000.0 - 1.0 / 6) < 0.018);
  CHECK(std::abs(counts[2] / 20000.0 - 0.5) < 0.018);

  sample_dataset(find_dataset("checkerboard"), 20000, rng, p);
  for (Index i = 0; i < p.cols(); ++i) {
    const int col = static_cast<int>(std::floor((p(0, i) + 4) / 2));
    const int row = static_cast<int>(std::floor((p(1, i) + 4) / 2));
    CHECK(((col + row) % 2 + 2) % 2 == 0);
  }
}

TEST_CASE("Mixture presets are the documented mixtures") {
  const GaussianMixture toy = ncsn_toy();
  REQUIRE(toy.size() == 2);
  CHECK(toy.components()[0].weight == doctest::Approx(0.8));
  CHECK(toy.components()[0].mean == Eigen::Vector2d(5, 5));
  CHECK(toy.components()[1].mean == Eigen::Vector2d(-5, -5));
  CHECK(toy.components()[1].cov == Eigen::Matrix2d::Identity());

  const GaussianMixture ring = ring8();
  REQUIRE(ring.size() == 8);
  for (const GaussianComponent& c : ring.components()) {
    CHECK(c.weight == doctest::Approx(1.0 / 8));
    CHECK(c.mean.norm() == doctest::Approx(4.0));
    CHECK(c.cov.isApprox(0.09 * Eigen::Matrix2d::Identity()));
  }
  CHECK(grid25().size() == 25);
  CHECK(two_gaussians().size() == 2);

  // Sampling through the table draws the clean mixture: ncsn_toy has mean 0.8·5 − 0.2·5 = 3 per
  // axis and per-axis variance 1 + 0.16·100 = 17; 5 standard errors at n = 100k is 0.065.
  Rng rng(9);
  Points p;
  sample_dataset(find_dataset("ncsn_toy"), 100000, rng, p);
  const Eigen::Vector2d mean = p.cast<double>().rowwise().mean();
  CHECK(std::abs(mean.x() - 3) < 0.065);
  CHECK(std::abs(mean.y() - 3) < 0.065);
}
