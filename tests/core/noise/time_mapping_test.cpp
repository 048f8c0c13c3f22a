// The one t ↔ σ mapping of each noise process: Sde::time_of_std inverts Sde::level(t).s, and a
// discrete schedule's levels sit on the time axis by SigmaSchedule::index_at_time / time_of_index.
#include <doctest/doctest.h>

#include <cmath>

#include "core/noise/schedule.h"
#include "core/noise/sde.h"

namespace scorelab {
namespace {

TEST_CASE("Sde::time_of_std inverts level(t).s for VE, VP, sub-VP and the straight path") {
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP, SdeKind::RectifiedFlow}) {
    SdeParams p;
    p.kind = kind;
    const Sde sde(p);
    double worst = 0.0;
    double previous_s = -1.0;
    for (int k = 0; k <= 2000; ++k) {
      const double t = k / 2000.0;
      const double s = sde.level(t).s;
      CHECK(s > previous_s);  // s(t) increasing, so the inverse is well defined
      previous_s = s;
      worst = std::max(worst, std::abs(sde.time_of_std(s) - t));
    }
    INFO(to_string(kind) << ": worst |t − time_of_std(s(t))| = " << worst);
    // VP near t = 0 loses digits in s itself (s ≈ √(β_0 t), a square root): 1e-9 is still far
    // below anything a slider or a caption resolves.
    CHECK(worst < 1e-9);
    // Outside the range of s(t): clamped to the ends, and monotone through them.
    CHECK(sde.time_of_std(0.0) == 0.0);
    CHECK(sde.time_of_std(sde.level(1.0).s * 2) == 1.0);
    CHECK(sde.time_of_std(sde.level(0.3).s) < sde.time_of_std(sde.level(0.31).s));
  }
}

TEST_CASE("Sde::time_of_std: VE closed form on the score_sde defaults") {
  SdeParams p;
  p.sigma_min = 0.01;
  p.sigma_max = 50.0;
  const Sde sde(p);
  // σ(t) = σ_min (σ_max/σ_min)^t, so σ = 1 is at t = ln(100) / ln(5000).
  CHECK(sde.time_of_std(1.0) == doctest::Approx(std::log(100.0) / std::log(5000.0)).epsilon(1e-14));
}

TEST_CASE("SigmaSchedule: index_at_time and time_of_index round-trip, nearest level") {
  SigmaSchedule sch;
  sch.levels = 10;
  for (int i = 0; i < sch.levels; ++i) CHECK(sch.index_at_time(sch.time_of_index(i)) == i);
  CHECK(sch.time_of_index(0) == 1.0);  // σ_max at the top of the axis
  CHECK(sch.time_of_index(9) == 0.0);  // σ_min at the bottom
  CHECK(sch.index_at_time(1.0) == 0);
  CHECK(sch.index_at_time(0.0) == 9);
  // Nearest level: t = 1 − 2.4/9 is between levels 2 and 3, nearer 2.
  CHECK(sch.index_at_time(1.0 - 2.4 / 9) == 2);
  CHECK(sch.index_at_time(1.0 - 2.6 / 9) == 3);
  // Outside [0, 1]: clamped.
  CHECK(sch.index_at_time(-0.5) == 9);
  CHECK(sch.index_at_time(1.5) == 0);
  // Geometric levels are log-spaced, so the axis time of level i is its VE time level(i).t.
  for (int i = 0; i < sch.levels; ++i)
    CHECK(sch.time_of_index(i) == doctest::Approx(sch.level(i).t).epsilon(1e-12));
  // One level: it is σ_max, at t = 1, and every t maps to it.
  sch.levels = 1;
  CHECK(sch.time_of_index(0) == 1.0);
  CHECK(sch.index_at_time(0.0) == 0);
  CHECK(sch.index_at_time(0.7) == 0);
}

TEST_CASE("SigmaSchedule::noise_levels equals level(i) for every kind") {
  for (ScheduleKind kind : {ScheduleKind::Geometric, ScheduleKind::Linear, ScheduleKind::Karras}) {
    SigmaSchedule sch;
    sch.kind = kind;
    sch.levels = 7;
    const std::vector<NoiseLevel> all = sch.noise_levels();
    REQUIRE(all.size() == 7u);
    for (int i = 0; i < 7; ++i) {
      const NoiseLevel one = sch.level(i);
      CHECK(all[i].t == one.t);
      CHECK(all[i].m == one.m);
      CHECK(all[i].s == one.s);
      CHECK(sch.time_of_sigma(one.s) == one.t);
    }
    CHECK(all.front().t == 1.0);
    CHECK(all.back().t == 0.0);
  }
}

}  // namespace
}  // namespace scorelab
