// The seeded generator: determinism, and the moments of its bulk normal and uniform draws.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/common/rng.h"

using namespace scorelab;

TEST_CASE("same seed, same numbers — different seeds differ") {
  Rng a(42), b(42), c(43);
  std::vector<float> x(1000), y(1000), z(1000);
  a.fill_normal(x.data(), 1000);
  b.fill_normal(y.data(), 1000);
  c.fill_normal(z.data(), 1000);
  CHECK(x == y);
  CHECK(x != z);
  CHECK(a.next_u64() == b.next_u64());
}

// n = 2²⁰ normals: standard errors are 1/√n ≈ 0.001 (mean), √(2/n) ≈ 0.0014 (variance),
// √(6/n) ≈ 0.0024 (skewness), √(24/n) ≈ 0.0048 (excess kurtosis). Tolerances are ~5 SE.
TEST_CASE("bulk normals have the moments of N(0, 1)") {
  Rng rng(7);
  const Index n = 1 << 20;
  std::vector<float> z(n + 37);  // an odd tail exercises the partial chunk
  rng.fill_normal(z.data(), static_cast<Index>(z.size()));
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0, lag = 0;
  for (Index i = 0; i < n; ++i) {
    const double v = z[i];
    m1 += v, m2 += v * v, m3 += v * v * v, m4 += v * v * v * v;
    lag += v * z[i + 1];
  }
  REQUIRE(std::isfinite(m4));
  m1 /= n, m2 /= n, m3 /= n, m4 /= n, lag /= n;
  CHECK(std::abs(m1) < 0.005);
  CHECK(std::abs(m2 - 1) < 0.007);
  CHECK(std::abs(m3) < 0.012);
  CHECK(std::abs(m4 - 3) < 0.025);
  CHECK(std::abs(lag) < 0.005);  // neighbours (lanes, Box–Muller pairs) uncorrelated
  // Tail mass beyond 3σ: 0.0027; standard error √(p/n) ≈ 5e-5.
  Index tail = 0;
  for (Index i = 0; i < n; ++i) tail += std::abs(z[i]) > 3.0f;
  CHECK(std::abs(static_cast<double>(tail) / n - 0.0027) < 3e-4);
}

TEST_CASE("uniform draws stay in the interval lo to hi and fill it evenly — scalar draws too") {
  Rng rng(9);
  const Index n = 1 << 18;
  std::vector<float> u(n);
  rng.fill_uniform(u.data(), n, -8.0f, 8.0f);
  std::vector<int> bins(16);
  Index outside = 0;
  for (float v : u) {
    if (v < -8.0f || v >= 8.0f) {
      ++outside;
      continue;
    }
    ++bins[static_cast<int>(v + 8.0f)];
  }
  CHECK(outside == 0);
  // Each bin expects n/16 = 16384 with SE ≈ 124; allow 5 SE.
  for (int b : bins) CHECK(std::abs(b - n / 16) < 620);
  double s = 0, s2 = 0;
  int out_of_range = 0;
  for (int i = 0; i < 100000; ++i) {
    const double v = rng.normal();
    s += v, s2 += v * v;
    out_of_range += rng.below(5) >= 5;
  }
  CHECK(out_of_range == 0);
  CHECK(std::abs(s / 1e5) < 0.016);  // SE 0.0032
  CHECK(std::abs(s2 / 1e5 - 1) < 0.023);  // SE 0.0045
}
