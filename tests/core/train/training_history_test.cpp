// The training history (issue 26): a bounded set of weight snapshots that spans the whole run at
// uniform spacing and never holds more memory than its cap, however long the run.
#include <doctest/doctest.h>

#include <memory>

#include "core/train/training_history.h"

using namespace scorelab;

namespace {

// A synthetic snapshot of `weights` parameters at `step`, counted while alive (the history must
// let go of what it thins, not only stop listing it).
struct LiveCount {
  long alive = 0, most = 0;
};

std::shared_ptr<const ModelSnapshot> fake_snapshot(long step, Index weights, LiveCount& count) {
  auto* s = new ModelSnapshot;
  s->params = Eigen::VectorXf::Constant(weights, float(step));
  s->ema = s->params;
  s->step = step;
  ++count.alive;
  count.most = std::max(count.most, count.alive);
  return std::shared_ptr<const ModelSnapshot>(s, [&count](const ModelSnapshot* p) {
    --count.alive;
    delete p;
  });
}

}  // namespace

TEST_CASE("a long run's snapshot history stays within its memory cap, uniform, first and latest kept") {
  // 1,000 weights (8,000 bytes with the EMA) under a 1 MiB cap: 131 fit, the capacity is 130.
  TrainingHistory::Config cfg;
  cfg.interval = 10;
  cfg.cap_bytes = std::size_t(1) << 20;
  TrainingHistory h(cfg);
  LiveCount count;
  constexpr long kSteps = 2'000'000;  // 200,000 due steps at the first spacing: 10 thinnings
  long latest = -1, thinnings = 0, last_interval = cfg.interval;
  for (long step = 0; step <= kSteps; ++step) {
    if (!h.due(step)) continue;
    h.add(fake_snapshot(step, 1000, count));
    latest = step;
    // Checked after every add: within the cap (as counted, and as alive), first and latest kept.
    REQUIRE(h.bytes() <= cfg.cap_bytes);
    REQUIRE(count.alive == long(h.snapshots().size()));
    REQUIRE(h.first_step() == 0);
    REQUIRE(h.last_step() == latest);
    if (h.interval() != last_interval) {
      ++thinnings;
      last_interval = h.interval();
      // Uniform spacing right after a thinning (and, since adds go on the grid, always).
      const auto& s = h.snapshots();
      for (std::size_t i = 1; i < s.size(); ++i)
        REQUIRE(s[i]->step - s[i - 1]->step == h.interval());
    }
  }
  CHECK(h.bytes_per_snapshot() == 8000);
  CHECK(h.capacity() == 130);
  CHECK(count.most * 8000 <= long(cfg.cap_bytes));
  CHECK(thinnings >= 10);
  const auto& s = h.snapshots();
  for (std::size_t i = 1; i < s.size(); ++i) CHECK(s[i]->step - s[i - 1]->step == h.interval());
  // The whole run is spanned: the latest snapshot is within one spacing of its end.
  CHECK(kSteps - h.last_step() < h.interval());
  CHECK(h.snapshots().size() > h.capacity() / 2);
  MESSAGE("2,000,000 steps: " << s.size() << " snapshots every " << h.interval() << " steps, "
                              << h.bytes() << " of " << cfg.cap_bytes << " bytes");
}

TEST_CASE("the nearest snapshot, a rollback and a network too large for the cap") {
  TrainingHistory::Config cfg;
  cfg.interval = 100;
  TrainingHistory h(cfg);
  LiveCount count;
  for (long step = 0; step <= 500; ++step)
    if (h.due(step)) h.add(fake_snapshot(step, 10, count));
  REQUIRE(h.snapshots().size() == 6);
  CHECK(h.nearest(-5)->step == 0);
  CHECK(h.nearest(149)->step == 100);
  CHECK(h.nearest(150)->step == 100);  // the earlier of two equally near
  CHECK(h.nearest(151)->step == 200);
  CHECK(h.nearest(10'000)->step == 500);
  // An undue step is not recorded.
  h.add(fake_snapshot(550, 10, count));
  CHECK(h.last_step() == 500);
  // The run rolled back to step 320: 400 and 500 go, and 400 is due again.
  h.drop_after(320);
  CHECK(h.last_step() == 300);
  CHECK(h.due(400));
  CHECK(count.alive == 4);

  // Two snapshots of a 4 MB network do not fit in 1 MiB: nothing is kept.
  TrainingHistory::Config small;
  small.cap_bytes = std::size_t(1) << 20;
  TrainingHistory big(small);
  big.add(fake_snapshot(0, 500'000, count));
  CHECK(big.empty());
  CHECK_FALSE(big.enabled());
  CHECK(big.bytes() == 0);
}
