// Click to set the observation (app/state/observation.h) through the one edit path: the click
// edits a copy of the Scene, AppContext::submit validates and applies it; a click outside the
// world or at NaN is refused with core's message and changes nothing.
#include <doctest/doctest.h>

#include <cmath>

#include "app/state/app_context.h"
#include "app/state/observation.h"

#include "state/state_testing.h"

using namespace scorelab;
using state_testing::scripted;
using Kind = Conditioning::Kind;
using Observe = Conditioning::Observe;

namespace {

Scene reverse_sde_scene() {
  Scene s;  // ring8
  s.particles = 100;
  s.ui.training = false;
  s.sampler = ReverseSdeConfig{};
  return s;
}

const Conditioning& condition(const app::AppContext& ctx) {
  return *sampler_condition(ctx.scene().sampler);
}

}  // namespace

TEST_CASE("observation: a click sets a line, a point or a component, through submit") {
  app::AppContext ctx(reverse_sde_scene(), scripted());
  Scene edit = ctx.scene();
  REQUIRE(app::set_observation_at(edit, 2.5, 1.0));  // none -> x1 = 2.5, a vertical line
  ctx.submit(edit);
  CHECK(condition(ctx).kind == Kind::Observation);
  CHECK(condition(ctx).observe == Observe::X1);
  CHECK(condition(ctx).x1 == 2.5);

  edit = ctx.scene();
  sampler_condition(edit.sampler)->observe = Observe::Both;
  REQUIRE(app::set_observation_at(edit, -1.0, 3.0));  // a point
  ctx.submit(edit);
  CHECK(condition(ctx).x1 == -1.0);
  CHECK(condition(ctx).x2 == 3.0);

  edit = ctx.scene();
  sampler_condition(edit.sampler)->kind = Kind::Class;
  REQUIRE(app::set_observation_at(edit, 0.2, 3.7));  // nearest ring8 mean: (0, 4), component 2
  ctx.submit(edit);
  CHECK(condition(ctx).kind == Kind::Class);
  CHECK(condition(ctx).component == 2);

  // Langevin has no condition block: nothing changes.
  Scene langevin = ctx.scene();
  langevin.sampler = LangevinConfig{};
  const Scene before = langevin;
  CHECK_FALSE(app::set_observation_at(langevin, 1.0, 1.0));
  CHECK(langevin == before);
}

TEST_CASE("observation: outside the world or NaN is refused with core's message") {
  app::AppContext ctx(reverse_sde_scene(), scripted());
  for (const double x : {1e6, double(NAN)}) {
    CAPTURE(x);
    const Scene before = ctx.scene();
    Scene edit = before;
    REQUIRE(app::set_observation_at(edit, x, 0.0));
    CHECK_FALSE(ctx.apply(edit));
    CHECK(ctx.scene() == before);
    CHECK(ctx.status().kind == app::StatusMessage::Kind::Error);
    CHECK(ctx.status().text.find("condition.x1") != std::string::npos);
  }
}
