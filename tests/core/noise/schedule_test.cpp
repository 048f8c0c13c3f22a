// σ schedules (geometric, linear, Karras) and the σ_max suggestion (NCSNv2 technique 1).
#include <doctest/doctest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/noise/schedule.h"

using namespace scorelab;

TEST_CASE("geometric schedule: descending, exact ends, constant ratio") {
  SigmaSchedule s{ScheduleKind::Geometric, 0.01, 10.0, 7, 7.0};
  const auto sig = s.sigmas();
  REQUIRE(sig.size() == 7);
  CHECK(sig.front() == 10.0);
  CHECK(sig.back() == 0.01);
  const double gamma = std::pow(10.0 / 0.01, 1.0 / 6.0);  // σ_{i}/σ_{i+1}
  for (std::size_t i = 0; i + 1 < sig.size(); ++i) CHECK(sig[i] / sig[i + 1] == doctest::Approx(gamma));
}

TEST_CASE("linear schedule: evenly spaced") {
  SigmaSchedule s{ScheduleKind::Linear, 1.0, 5.0, 5, 7.0};
  const auto sig = s.sigmas();
  REQUIRE(sig.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(sig[i] == doctest::Approx(5.0 - i));
}

TEST_CASE("Karras schedule matches k-diffusion's formula") {
  SigmaSchedule s{ScheduleKind::Karras, 0.002, 80.0, 4, 7.0};
  const auto sig = s.sigmas();
  const double a = std::pow(80.0, 1 / 7.0), b = std::pow(0.002, 1 / 7.0);
  for (int i = 0; i < 4; ++i) CHECK(sig[i] == doctest::Approx(std::pow(a + i / 3.0 * (b - a), 7.0)));
  // ρ = 1 is linear and ρ → ∞ geometric: Karras lies between them at every inner level.
  const auto geo = SigmaSchedule{ScheduleKind::Geometric, 0.002, 80.0, 4, 7.0}.sigmas();
  const auto lin = SigmaSchedule{ScheduleKind::Linear, 0.002, 80.0, 4, 7.0}.sigmas();
  for (int i = 1; i < 3; ++i) {
    CHECK(geo[i] < sig[i]);
    CHECK(sig[i] < lin[i]);
  }
}

TEST_CASE("a single level is σ_max — levels carry m = 1, s = σ and the VE time of σ") {
  SigmaSchedule one{ScheduleKind::Geometric, 0.1, 3.0, 1, 7.0};
  CHECK(one.sigmas() == std::vector<double>{3.0});
  SigmaSchedule s{ScheduleKind::Geometric, 0.01, 10.0, 4, 7.0};
  const NoiseLevel first = s.level(0), last = s.level(3);
  CHECK(first.s == 10.0);
  CHECK(first.t == doctest::Approx(1.0));
  CHECK(last.s == 0.01);
  CHECK(last.t == doctest::Approx(0.0));
  CHECK(last.m == 1.0);
}

TEST_CASE("invalid schedules are rejected with the field named") {
  auto bad = [](SigmaSchedule s) { return s; };
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Geometric, 0.0, 10, 10, 7}).validate(),
                       doctest::Contains("sigma_min"), InputError);
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Geometric, -1.0, 10, 10, 7}).validate(),
                       doctest::Contains("sigma_min"), InputError);
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Geometric, 5.0, 5.0, 10, 7}).validate(),
                       doctest::Contains("smaller than sigma_max"), InputError);
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Geometric, 5.0, 1.0, 10, 7}).validate(),
                       doctest::Contains("sigma_max"), InputError);
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Linear, 0.1, 1.0, 0, 7}).validate(),
                       doctest::Contains("levels"), InputError);
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Karras, 0.1, NAN, 4, 7}).validate(),
                       doctest::Contains("sigma_max"), InputError);
  CHECK_THROWS_WITH_AS(bad({ScheduleKind::Karras, 0.1, INFINITY, 4, 7}).validate(),
                       doctest::Contains("sigma_max"), InputError);
  CHECK_THROWS_WITH_AS(enum_from_string<ScheduleKind>("cosine"), doctest::Contains("geometric, linear, karras"),
                       InputError);
  CHECK(enum_from_string<ScheduleKind>("karras") == ScheduleKind::Karras);
}

TEST_CASE("suggested σ_max is the exact largest pairwise distance") {
  Rng rng(3);
  for (int n : {1, 2, 3, 50, 400}) {
    Points p(2, n);
    rng.fill_normal(p);
    p.row(0) *= 3.0f;
    double brute = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        brute = std::max(brute, (p.col(i).cast<double>() - p.col(j).cast<double>()).norm());
    CHECK(largest_pairwise_distance(p) == doctest::Approx(brute).epsilon(1e-12));
  }
  Points line(2, 5);  // collinear points: a degenerate hull
  line << 0, 1, 2, 3, 4, 0, 1, 2, 3, 4;
  CHECK(largest_pairwise_distance(line) == doctest::Approx(4 * std::sqrt(2.0)));
  CHECK_THROWS_AS(largest_pairwise_distance(Points(2, 0)), InputError);
  line(1, 2) = NAN;
  CHECK_THROWS_AS(largest_pairwise_distance(line), InputError);
}
