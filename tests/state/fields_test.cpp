// Derived state has one owner: each panel's fields live in the AppContext (PanelFields), keyed by
// everything they depend on. These tests check each cache's invalidation directly, without a
// display: an input that changed recomputes (the revision moves and the key holds the new
// input), an input that did not leaves the result alone.
#include <doctest/doctest.h>

#include "app/state/app_context.h"
#include "app/state/fields.h"
#include "core/scene/exact_score.h"

#include "state/state_testing.h"

using namespace scorelab;
using app::AppContext;
using app::FieldInputs;
using state_testing::scripted;

namespace {

const view::WorldRect kRect{0, 0, 6, 6};  // centre (0, 0), half-sizes 6 × 6 data units

// ring8 (a mixture), a reverse-SDE sampler guided by an observation of x1.
Scene guided_scene() {
  Scene s;
  s.particles = 100;
  s.ui.training = false;
  s.sampler = ReverseSdeConfig{};
  Conditioning& c = *sampler_condition(s.sampler);
  c.kind = Conditioning::Kind::Observation;
  c.x1 = 2.0;
  return s;
}

FieldInputs inputs(AppContext& ctx) {
  return app::field_inputs(ctx, 0, kRect, 0.0);
}

// The same t under another process: every level of the panel moves (m and s), t does not.
Scene with_sde(Scene s, SdeKind kind) {
  s.noise.sde.kind = kind;
  return s;
}

}  // namespace

TEST_CASE("fields: the density invalidates on a level change and on nothing else") {
  AppContext ctx(guided_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  const long first = f.density(inputs(ctx), 32).revision;
  CHECK(f.density(inputs(ctx), 32).revision == first);  // same inputs: kept
  REQUIRE(ctx.apply(with_sde(ctx.scene(), SdeKind::VP)));
  const app::DensityField& d = f.density(inputs(ctx), 32);
  CHECK(d.revision == first + 1);
  CHECK(d.key.s == doctest::Approx(ctx.panel(0).level.s));
  CHECK(d.key.m == doctest::Approx(ctx.panel(0).level.m));
}

TEST_CASE("fields: the conditional density invalidates on an SDE change at the same t") {
  AppContext ctx(guided_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  const app::ConditionalDensity* ve = f.conditional(inputs(ctx), 32);
  REQUIRE(ve != nullptr);
  const double t = ve->key.t, s_ve = ve->key.s;
  const Values log_p_ve = ve->log_p;
  const long revision = ve->revision;

  REQUIRE(ctx.apply(with_sde(ctx.scene(), SdeKind::VP)));
  REQUIRE(ctx.panel(0).level.t == t);  // the same t: only m and s tell the levels apart
  const app::ConditionalDensity* vp = f.conditional(inputs(ctx), 32);
  REQUIRE(vp != nullptr);
  CHECK(vp->revision == revision + 1);
  CHECK(vp->key.s == doctest::Approx(ctx.panel(0).level.s));
  CHECK(vp->key.s != doctest::Approx(s_ve));
  // The map itself is of the new level: it equals a direct computation there.
  const GuidedScore guided(ctx.exact(), *mixture_components(ctx.scene().data),
                           *sampler_condition(ctx.scene().sampler));
  Values want;
  guided.target().log_density(vp->key.grid.points(), ctx.panel(0).level, want);
  REQUIRE(want.size() == vp->log_p.size());
  CHECK((want - vp->log_p).cwiseAbs().maxCoeff() < 1e-4f);
  CHECK((log_p_ve - vp->log_p).cwiseAbs().maxCoeff() > 0.1f);  // and it did change
}

TEST_CASE(
    "fields: the conditional density invalidates on a new observation, stays for imputation "
    "by any method, and is gone without a condition") {
  AppContext ctx(guided_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  const long revision = f.conditional(inputs(ctx), 32)->revision;
  Scene edit = ctx.scene();
  sampler_condition(edit.sampler)->x1 = -2.0;
  REQUIRE(ctx.apply(edit));
  const app::ConditionalDensity* c = f.conditional(inputs(ctx), 32);
  REQUIRE(c != nullptr);
  CHECK(c->revision == revision + 1);
  CHECK(c->key.condition->x1 == -2.0);

  // Replacement imputation guides nothing, and its samples still have a target: the exact
  // conditional on the line (which that method misses; the picture shows by how much).
  sampler_condition(edit.sampler)->kind = Conditioning::Kind::Imputation;
  sampler_condition(edit.sampler)->imputer = Conditioning::Imputer::Replacement;
  REQUIRE(ctx.apply(edit));
  c = f.conditional(inputs(ctx), 32);
  REQUIRE(c != nullptr);
  CHECK(c->key.condition->imputer == Conditioning::Imputer::Replacement);

  sampler_condition(edit.sampler)->kind = Conditioning::Kind::None;
  REQUIRE(ctx.apply(edit));
  CHECK(f.conditional(inputs(ctx), 32) == nullptr);
}

TEST_CASE("fields: an imputed line thinner than a texel still shows its crest") {
  // Lesson 10.3 at t = 0: imputing x1 = 2.83 makes p_t(x | x1) a ridge of std 0.01 across x1,
  // between texel centres 0.375 apart; the heatmap read the floor colour everywhere.
  Scene s = guided_scene();
  Conditioning& c = *sampler_condition(s.sampler);
  c.kind = Conditioning::Kind::Imputation;
  c.x1 = 2.83;
  s.view.left.t = 0;
  s.ui.follow_sampler = false;
  AppContext ctx(s, scripted());
  const NoiseLevel level = ctx.panel(0).level;
  REQUIRE(level.s < 0.02);
  const app::ConditionalDensity* d = ctx.fields(0).conditional(inputs(ctx), 32);
  REQUIRE(d != nullptr);
  // The crest: the exact conditional on the line itself, at the grid's rows.
  const GuidedScore guided(ctx.exact(), *mixture_components(ctx.scene().data), c);
  Points line = d->key.grid.points();
  line.row(0).setConstant(float(level.m * c.x1));
  Values crest;
  guided.target().log_density(line, level, crest);
  // The map's top is the crest's (within float rounding), the ring's modes at ±45° on the line.
  CHECK(d->log_p.maxCoeff() == doctest::Approx(crest.maxCoeff()).epsilon(1e-4));
  CHECK(d->log_p.maxCoeff() > crest.maxCoeff() - 1);
  // Off the line the density is far lower: one column carries it.
  Index above = 0;
  for (Index i = 0; i < d->log_p.size(); ++i) above += d->log_p[i] > crest.maxCoeff() - 12;
  CHECK(above > 0);
  CHECK(above <= d->key.grid.ny);
}

TEST_CASE("fields: the low-density outline invalidates on a level, data or quantile change") {
  AppContext ctx(guided_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  const app::DensityOutline* o = f.outline(inputs(ctx), 0.05);
  REQUIRE(o != nullptr);
  const float at_ve = o->threshold;
  CHECK(f.outline(inputs(ctx), 0.05)->threshold == at_ve);

  o = f.outline(inputs(ctx), 0.25);  // a larger quantile: a higher level of log p
  CHECK(o->threshold > at_ve);

  REQUIRE(ctx.apply(with_sde(ctx.scene(), SdeKind::VP)));
  o = f.outline(inputs(ctx), 0.05);
  CHECK(o->key.s == doctest::Approx(ctx.panel(0).level.s));
  CHECK(o->threshold != doctest::Approx(at_ve));

  Scene edit = ctx.scene();
  edit.data.points = 300;  // fewer data points: a new draw
  REQUIRE(ctx.apply(edit));
  CHECK(f.outline(inputs(ctx), 0.05)->key.data_revision == ctx.data_revision());
}

TEST_CASE("fields: the encoding invalidates on any change of the process, not only its level") {
  AppContext ctx(guided_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  const app::Encoding* e = f.encoding(inputs(ctx), 20);
  REQUIRE(e != nullptr);
  CHECK(e->error.empty());
  CHECK(e->codes.cols() == 20);
  CHECK(e->max_error < 1e-2);  // decoding returns the points
  const long revision = e->revision;
  CHECK(f.encoding(inputs(ctx), 20)->revision == revision);

  // σ_max moves the whole VE process but not the panel's t (and a level at small t barely).
  Scene edit = ctx.scene();
  edit.noise.sde.sigma_max = 20;
  REQUIRE(ctx.apply(edit));
  e = f.encoding(inputs(ctx), 20);
  CHECK(e->revision == revision + 1);
  CHECK(e->key.sde.sigma_max == 20);

  CHECK(f.encoding(inputs(ctx), 10)->codes.cols() == 10);  // fewer points: recomputed
}

TEST_CASE("fields: the model-density map starts once by itself, then only on request") {
  app::RunMode mode = scripted();
  mode.train_steps_per_frame = 2;
  Scene scene = guided_scene();
  scene.ui.training = true;
  scene.layers.model_density.resolution = 8;
  scene.layers.model_density.nll_points = 20;
  scene.view.left.source = FieldSource::Learned;
  AppContext ctx(scene, mode);
  ctx.update();  // two training steps: a snapshot
  REQUIRE(ctx.training() != nullptr);
  app::PanelFields& f = ctx.fields(0);
  const auto& cfg = ctx.scene().layers.model_density;
  const app::ModelDensityMap* m = f.model_density(inputs(ctx), cfg).density.map();
  REQUIRE(m != nullptr);  // scripted: the job was waited for
  const long revision = m->revision, step = m->step;
  CHECK(std::isfinite(m->nll_ode));
  CHECK(std::isfinite(m->nll_exact));

  ctx.update();  // the model moves on; the map does not follow by itself
  CHECK(f.model_density(inputs(ctx), cfg).density.map()->revision == revision);
  ctx.run(app::Command::ComputeModelDensity);
  m = f.model_density(inputs(ctx), cfg).density.map();
  CHECK(m->revision == revision + 1);
  CHECK(m->step > step);
}

// Lesson 9.3: an exact panel asking for its density through the ODE gets the exact score's own
// log p through the PF-ODE, and it is the closed form: within 1e-3 nats (relative, beyond 1 nat)
// at every texel and in the held-out NLL (RK45 at rtol 1e-5 on a mixture's exact score).
TEST_CASE("fields: an exact panel's density through the ODE is the closed form") {
  Scene scene = guided_scene();
  scene.sampler = ReverseSdeConfig{};  // no guidance: the map is of p_t itself
  scene.noise.sde.kind = SdeKind::VP;
  scene.layers.model_density.on = true;
  scene.layers.model_density.resolution = 12;
  scene.layers.model_density.nll_points = 30;
  scene.ui.follow_sampler = false;
  scene.view.split = true;
  scene.view.left = {FieldSource::Exact, 0.0, false};
  scene.view.right = {FieldSource::Exact, 0.0, true};
  AppContext ctx(scene, scripted());
  ctx.update();
  CHECK_FALSE(ctx.panel(0).ode_density);  // the closed form
  CHECK(ctx.panel(1).ode_density);
  const FieldInputs in = app::field_inputs(ctx, 1, kRect, 0.0);
  const app::ModelDensityMap* m =
      ctx.fields(1).model_density(in, ctx.scene().layers.model_density).density.map();
  REQUIRE(m != nullptr);
  CHECK(m->exact);
  CHECK(m->step == -1);
  CHECK_FALSE(m->window.has_value());  // the exact score has no network far field
  Values closed;
  ctx.exact().log_density(m->grid.points(), Sde(scene.noise.sde).level(m->eps), closed);
  // RK45's tolerance is relative to the state, which carries the accumulated log p: far from the
  // data (log p −80 in this grid's corner, below any colour scale) the error grows with |log p|.
  for (Index i = 0; i < closed.size(); ++i)
    CHECK(std::abs(m->log_p[i] - closed[i]) <= 1e-3 * std::max(1.0f, std::abs(closed[i])));
  CHECK(std::abs(m->nll_ode - m->nll_exact) < 1e-3);

  // Without the model-density layer no panel draws through the ODE; a learned panel always does.
  Scene edit = ctx.scene();
  edit.view.right.source = FieldSource::Learned;
  REQUIRE(ctx.apply(edit));
  ctx.update();
  CHECK(ctx.panel(1).ode_density);
  edit.layers.model_density.on = false;
  REQUIRE(ctx.apply(edit));
  ctx.update();
  CHECK_FALSE(ctx.panel(1).ode_density);
}

TEST_CASE("derived state: the quality meter measures on the context's job runner while shown") {
  app::RunMode mode = scripted();
  mode.train_steps_per_frame = 2;
  Scene scene = guided_scene();
  scene.ui.training = true;
  AppContext ctx(scene, mode);
  ctx.update();
  CHECK(ctx.quality().reading() == nullptr);  // not asked for: nothing measured
  ctx.run(app::Command::ShowQuality);
  ctx.update();  // scripted: waits for the measurement
  const app::QualityReading* r = ctx.quality().reading();
  REQUIRE(r != nullptr);
  CHECK(r->step == ctx.model_step());
}

TEST_CASE("fields: a guided scene's arrows are the guided score at their positions") {
  AppContext ctx(guided_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  ScoreLayerSettings cfg;
  cfg.grid = 12;
  cfg.streamlines = false;
  const FieldInputs in = inputs(ctx);
  REQUIRE(in.guided != nullptr);
  const app::ArrowField* a = f.arrows(in, cfg);
  REQUIRE(a != nullptr);
  REQUIRE(a->key.condition.has_value());
  // What the particles follow: the exact score plus ∇ log p_t(y | x), at the panel's level.
  Points want, plain;
  in.guided->score(a->base, in.level, want);
  ctx.exact().score(a->base, in.level, plain);
  CHECK((a->raw - want).cwiseAbs().maxCoeff() <= 1e-4f * want.cwiseAbs().maxCoeff());
  // ... which is not the unguided field (the guidance moves some arrows by a lot).
  CHECK((plain - want).cwiseAbs().maxCoeff() > 0.1f * want.cwiseAbs().maxCoeff());
  // Without a condition the arrows are the plain score again.
  Scene s = ctx.scene();
  *sampler_condition(s.sampler) = {};
  REQUIRE(ctx.apply(s));
  const FieldInputs plain_in = inputs(ctx);
  CHECK(plain_in.guided == nullptr);
  const app::ArrowField* b = f.arrows(plain_in, cfg);
  REQUIRE(b != nullptr);
  CHECK_FALSE(b->key.condition.has_value());
  ctx.exact().score(b->base, plain_in.level, plain);
  CHECK((b->raw - plain).cwiseAbs().maxCoeff() <= 1e-4f * plain.cwiseAbs().maxCoeff());
}
