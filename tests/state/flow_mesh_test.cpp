// The flow-map mesh's owner (app/state/flow_mesh.h): computed on the context's job runner,
// recomputed when what it depends on changes (process, direction, lines, source, model step),
// never when only the view moves, and keyed so the layer's label can say which map it shows.
#include <doctest/doctest.h>

#include "app/state/app_context.h"
#include "app/state/fields.h"

#include "state/state_testing.h"

using namespace scorelab;
using app::AppContext;
using state_testing::scripted;

namespace {

Scene mesh_scene() {
  Scene s;
  s.ui.training = false;
  s.layers.mesh.on = true;
  s.layers.mesh.lines = 9;  // 81 vertices: milliseconds with the exact ring8 score
  return s;
}

app::FieldInputs mesh_inputs(AppContext& ctx, const view::WorldRect& rect) {
  return app::field_inputs(ctx, 0, rect, 0.0);
}

}  // namespace

TEST_CASE("flow mesh: recomputed on a change of process, direction or lines, not of the view") {
  AppContext ctx(mesh_scene(), scripted());
  app::PanelFields& f = ctx.fields(0);
  const view::WorldRect rect{0, 0, 6, 6};
  const app::FlowMeshCache* c = &f.mesh(mesh_inputs(ctx, rect), ctx.scene().layers.mesh);
  REQUIRE(c->mesh() != nullptr);  // scripted: the job was waited for
  CHECK(c->error().empty());
  CHECK(c->key().source == FieldSource::Exact);
  CHECK(c->key().direction == FlowDirection::PriorToData);
  CHECK(c->mesh()->warped.cols() == 81);
  // The prior's grid (VE: σ_max = 10, so ±25) lands near the ring of radius 4.
  CHECK(c->mesh()->grid.cwiseAbs().maxCoeff() == doctest::Approx(25.0));
  CHECK(c->mesh()->warped.cwiseAbs().maxCoeff() < 6.0);
  const long revision = c->revision();

  // Another view: nothing to do.
  (void)f.mesh(mesh_inputs(ctx, {1, 2, 3, 3}), ctx.scene().layers.mesh);
  CHECK(c->revision() == revision);
  CHECK(c->jobs_started() == 1);

  Scene edit = ctx.scene();
  edit.noise.sde.sigma_max = 20;
  REQUIRE(ctx.apply(edit));
  (void)f.mesh(mesh_inputs(ctx, rect), ctx.scene().layers.mesh);
  CHECK(c->revision() == revision + 1);
  CHECK(c->key().sde.sigma_max == 20);

  edit = ctx.scene();
  edit.layers.mesh.direction = FlowDirection::DataToPrior;
  edit.layers.mesh.lines = 5;
  REQUIRE(ctx.apply(edit));
  (void)f.mesh(mesh_inputs(ctx, rect), ctx.scene().layers.mesh);
  CHECK(c->revision() == revision + 2);
  CHECK(c->key().direction == FlowDirection::DataToPrior);
  CHECK(c->mesh()->lines == 5);
  // The data's padded box (ring8: radius 4 + std 0.3, padded by a tenth of its ~9 wide side).
  CHECK(c->mesh()->grid.cwiseAbs().maxCoeff() < 6.0);
  CHECK(c->mesh()->grid.cwiseAbs().maxCoeff() > 4.0);
}

TEST_CASE("flow mesh: a learned panel's mesh waits for a snapshot and follows the model") {
  app::RunMode mode = scripted();
  mode.train_steps_per_frame = 2;
  Scene scene = mesh_scene();
  scene.ui.training = true;
  scene.view.left.source = FieldSource::Learned;
  AppContext ctx(scene, mode);
  app::PanelFields& f = ctx.fields(0);
  const view::WorldRect rect{0, 0, 6, 6};
  const app::FlowMeshCache* c = &f.mesh(mesh_inputs(ctx, rect), ctx.scene().layers.mesh);
  CHECK(c->mesh() == nullptr);  // no snapshot yet: nothing, no job
  CHECK(c->jobs_started() == 0);
  ctx.update();  // two training steps: a snapshot
  REQUIRE(ctx.training() != nullptr);
  (void)f.mesh(mesh_inputs(ctx, rect), ctx.scene().layers.mesh);
  REQUIRE(c->mesh() != nullptr);
  CHECK(c->key().source == FieldSource::Learned);
  const long step = c->key().model_step;
  CHECK(step >= 0);
  CHECK(c->mesh()->warped.allFinite());
  ctx.update();  // the model moves on: scripted runs follow it at once
  (void)f.mesh(mesh_inputs(ctx, rect), ctx.scene().layers.mesh);
  CHECK(c->key().model_step > step);
  CHECK(c->jobs_started() == 2);
}
