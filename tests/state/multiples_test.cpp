// Small multiples (view.multiples): each panel's level, process and source are what the scene
// says; the panels tile the plot with one camera; no panel draws the particles; the shared colour
// scale takes in every process shown.
#include <doctest/doctest.h>

#include <cmath>

#include "app/state/app_context.h"
#include "app/state/fields.h"
#include "app/view/camera.h"

#include "state/state_testing.h"

using namespace scorelab;
using state_testing::scripted;
using app::AppContext;

namespace {

Scene multiples_scene(MultiplesAcross across) {
  Scene s;
  s.particles = 200;
  s.ui.training = false;
  s.view.multiples = {true, across, 4, 0.2, 0.8};
  return s;
}

}  // namespace

TEST_CASE("multiples across levels: panel i at t_min + i (t_max - t_min) / (count - 1)") {
  Scene s = multiples_scene(MultiplesAcross::Levels);
  s.view.left.source = FieldSource::Learned;
  s.ui.follow_sampler = true;  // multiples never follow: their levels are the sweep's
  AppContext ctx(s, scripted());
  ctx.update();
  REQUIRE_FALSE(ctx.particles().finished());
  REQUIRE(ctx.panel_count() == 4);
  const double ts[] = {0.2, 0.4, 0.6, 0.8};
  for (int p = 0; p < 4; ++p) {
    const NoiseLevel want = Sde(s.noise.sde).level(ts[p]);
    CHECK(ctx.panel(p).level.t == doctest::Approx(ts[p]));
    CHECK(ctx.panel(p).level.m == doctest::Approx(want.m));
    CHECK(ctx.panel(p).level.s == doctest::Approx(want.s));
    CHECK(ctx.panel(p).source == FieldSource::Learned);
    CHECK(ctx.panel(p).sde == SdeKind::VE);
    CHECK_FALSE(ctx.panel(p).own_sde);
    CHECK_FALSE(ctx.panel(p).follows_particles);
    CHECK_FALSE(ctx.panel(p).shows_particles);
  }

  // With ui.discrete_levels each panel shows the schedule level nearest to its t.
  Scene discrete = ctx.scene();
  discrete.ui.discrete_levels = true;
  discrete.view.multiples.count = 6;
  discrete.view.multiples.t_min = 1;  // a sweep from noise to data
  discrete.view.multiples.t_max = 0;
  REQUIRE(ctx.apply(discrete));
  CHECK(ctx.last_diff().panels);
  REQUIRE(ctx.panel_count() == 6);
  const SigmaSchedule& sched = discrete.noise.schedule;
  for (int p = 0; p < 6; ++p) {
    const double t = 1 - p / 5.0;
    CHECK(ctx.panel(p).level.s ==
          doctest::Approx(std::max(sched.level(sched.index_at_time(t)).s, app::kMinFieldStd)));
  }
  CHECK(ctx.panel(0).level.s > ctx.panel(5).level.s);
}

TEST_CASE("multiples across SDEs: VE, VP and sub-VP at the slider's t, exact score") {
  Scene s = multiples_scene(MultiplesAcross::Sdes);
  s.view.left = {FieldSource::Learned, 0.4};  // a learned model knows one process: exact here
  s.view.multiples.count = 5;                 // not used across SDEs
  AppContext ctx(s, scripted());
  ctx.update();
  REQUIRE(ctx.panel_count() == 3);
  const SdeKind kinds[] = {SdeKind::VE, SdeKind::VP, SdeKind::SubVP};
  for (int p = 0; p < 3; ++p) {
    SdeParams params = s.noise.sde;
    params.kind = kinds[p];
    const NoiseLevel want = Sde(params).level(0.4);
    CHECK(ctx.panel(p).sde == kinds[p]);
    CHECK(ctx.panel(p).own_sde);
    CHECK(ctx.panel(p).source == FieldSource::Exact);
    CHECK(ctx.panel(p).level.t == doctest::Approx(0.4));
    CHECK(ctx.panel(p).level.m == doctest::Approx(want.m));
    CHECK(ctx.panel(p).level.s == doctest::Approx(want.s));
  }
  // VP shrinks the mean, VE does not, and sub-VP's std is below VP's.
  CHECK(ctx.panel(0).level.m == 1);
  CHECK(ctx.panel(1).level.m < 1);
  CHECK(ctx.panel(2).level.s < ctx.panel(1).level.s);

  // The shared scale's top covers every process shown: never below the one-process top.
  AppContext one(Scene{multiples_scene(MultiplesAcross::Levels)}, scripted());
  REQUIRE(ctx.density_scale().valid);
  REQUIRE(one.density_scale().valid);
  CHECK(ctx.density_scale().top >= one.density_scale().top);
}

TEST_CASE("small multiples always share the colour scale, whatever layers.density.lock_scale") {
  Scene s = multiples_scene(MultiplesAcross::Levels);
  s.layers.density.lock_scale = false;
  AppContext ctx(s, scripted());
  CHECK(ctx.density_scale().locked);
  const FieldStats flat{-9.5f, -9.0f};  // a nearly flat high-noise view
  const app::DensityRange r = app::density_range(flat, s.layers.density, ctx.density_scale());
  CHECK(r.locked);
  CHECK(r.hi == ctx.density_scale().top);
  CHECK(r.lo == doctest::Approx(ctx.density_scale().top - s.layers.density.range));
  // One panel with the lock off: the view's own scale (the per-frame autoscale).
  Scene one = ctx.scene();
  one.view.multiples.on = false;
  REQUIRE(ctx.apply(one));
  CHECK_FALSE(ctx.density_scale().locked);
  CHECK_FALSE(app::density_range(flat, one.layers.density, ctx.density_scale()).locked);
}

TEST_CASE("layout: multiples tile the plot in the grid nearest to square panels, one camera") {
  Scene s = multiples_scene(MultiplesAcross::Levels);
  const view::PixelRect plot{100, 0, 800, 600};
  view::PanelLayout l = view::layout_panels(s.view, plot);
  REQUIRE(l.count == 4);
  CHECK(l.columns == 2);  // 2 × 2 panels of 400 × 300 beat 4 × 1 of 200 × 600
  for (int p = 0; p < 4; ++p) {
    CHECK(l.rects[p].w == 400);
    CHECK(l.rects[p].h == 300);
    CHECK(l.rects[p].x == 100 + 400 * (p % 2));
    CHECK(l.rects[p].y == 300 * (p / 2));
    CHECK(l.worlds[p].cx == s.view.center_x);  // linked: one centre and half height
    CHECK(l.worlds[p].hh == s.view.half_height);
  }
  s.view.multiples.count = 3;
  l = view::layout_panels(s.view, {0, 0, 1500, 500});
  CHECK(l.columns == 3);  // a row of three squares
  // Split view stays two side by side, whatever the plot's shape.
  s.view.multiples.on = false;
  s.view.split = true;
  l = view::layout_panels(s.view, {0, 0, 400, 1000});
  CHECK(l.count == 2);
  CHECK(l.columns == 2);
  CHECK(l.rects[1].x == 200);
}
