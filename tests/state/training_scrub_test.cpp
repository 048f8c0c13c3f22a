// The training scrubber (issue 26): a past step of the run, picked from the trainer's snapshot
// history, shows exactly what a checkpoint saved at that step shows — the learned field, the
// model density and the fixed-seed learned particles — while training goes on behind it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "app/state/app_context.h"
#include "core/common/error.h"
#include "core/scene/checkpoint.h"

#include "state/state_testing.h"

using namespace scorelab;
using app::AppContext;

namespace {

namespace fs = std::filesystem;

const view::WorldRect kRect{0, 0, 6, 6};

// A tiny network on ring8, one learned panel pinned at t = 0.3, the learned particles and the
// model density on a coarse grid (a 16-wide network: each piece costs milliseconds).
Scene scrub_scene() {
  Scene s;
  s.particles = 200;
  s.train.model.width = 16;
  s.train.model.depth = 2;
  s.train.batch = 32;
  s.ui.training = true;
  s.ui.particle_source = FieldSource::Learned;
  s.ui.follow_sampler = false;
  s.view.left.source = FieldSource::Learned;
  s.view.left.t = 0.3;
  s.layers.model_density.on = true;
  s.layers.model_density.resolution = 8;
  s.layers.model_density.nll_points = 0;
  s.layers.model_density.tol = 1e-3;
  return s;
}

long live_step(const AppContext& ctx) {
  return ctx.training() && ctx.training()->model ? ctx.training()->model->step : -1;
}

float max_abs_diff(const Points& a, const Points& b) {
  REQUIRE(a.cols() == b.cols());
  return (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("scrub: a scrubbed step renders the field of a checkpoint saved at that step") {
  // Frames train 50 steps each (scripted: synchronously); the history records every 200.
  app::RunMode mode = state_testing::scripted();
  mode.train_steps_per_frame = 50;
  constexpr long kSaved = 400, kEnd = 1000;
  AppContext ctx(scrub_scene(), mode);
  while (live_step(ctx) < kSaved) ctx.update();
  REQUIRE(live_step(ctx) == kSaved);
  const fs::path path =
      fs::temp_directory_path() / ("scorelab_scrub_" + std::to_string(getpid()) + ".ckpt");
  save_checkpoint(path.string(), checkpoint_of_snapshot(*ctx.training()->model, ctx.scene()));
  while (live_step(ctx) < kEnd) ctx.update();

  // The history spans the run at its first spacing (the cap holds thousands of these).
  const TrainingHistory& h = ctx.training()->snapshots;
  CHECK(h.first_step() == 0);
  CHECK(h.last_step() == kEnd);
  CHECK(h.interval() == 200);
  CHECK(h.snapshots().size() == 6);

  // Back to step 400: training goes on (another 50 steps this frame), the display does not.
  const long generation = ctx.particles().generation();
  Scene edit = ctx.scene();
  edit.ui.scrub_step = int(kSaved);
  REQUIRE(ctx.apply(edit));
  ctx.update();
  CHECK(ctx.shown().scrubbed);
  CHECK(ctx.model_step() == kSaved);
  CHECK(live_step(ctx) == kEnd + 50);
  CHECK(app::scrub_label(ctx.shown()) == "step 400 of 1,050 (scrubbed)");
  CHECK(ctx.particles().generation() == generation + 1);  // the learned particles ran again

  // A fresh window opened on the checkpoint, not training: its live model is the saved one.
  Scene from_file = ctx.scene();
  from_file.ui.training = false;
  from_file.ui.scrub_step = -1;
  AppContext saved(from_file, state_testing::scripted(),
                   std::make_shared<const Checkpoint>(load_checkpoint(path.string())));
  saved.update();
  REQUIRE(saved.model_step() == kSaved);
  CHECK_FALSE(saved.shown().scrubbed);

  // The learned field: the same weights through the same code, so equal to float rounding.
  const ScoreLayerSettings& score = ctx.scene().layers.score;
  const app::ArrowField* a = ctx.fields(0).arrows(app::field_inputs(ctx, 0, kRect, 0), score);
  const app::ArrowField* b =
      saved.fields(0).arrows(app::field_inputs(saved, 0, kRect, 0), score);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->key.model_step == kSaved);
  CHECK(max_abs_diff(a->raw, b->raw) <= 1e-5f * std::max(1.0f, a->magnitude.max));
  // ... and not the live model's, 650 steps further on (a test that could fail).
  const LearnedScore live(ctx.training()->model, ctx.scene().ui.use_ema);
  Points live_raw;
  live.score(a->base, ctx.panel(0).level, live_raw);
  CHECK(max_abs_diff(a->raw, live_raw) > 1e-3f * std::max(1.0f, a->magnitude.max));

  // The model density of the scrubbed step (the scrub asked for a map; scripted: waited for).
  const ModelDensityLayerSettings& md = ctx.scene().layers.model_density;
  const app::ModelDensityMap* ma =
      ctx.fields(0).model_density(app::field_inputs(ctx, 0, kRect, 0), md).density.map();
  const app::ModelDensityMap* mb =
      saved.fields(0).model_density(app::field_inputs(saved, 0, kRect, 0), md).density.map();
  REQUIRE(ma);
  REQUIRE(mb);
  CHECK(ma->step == kSaved);
  REQUIRE(ma->log_p.size() == mb->log_p.size());
  CHECK((ma->log_p - mb->log_p).cwiseAbs().maxCoeff() <= 1e-4f);

  // The fixed-seed samples: both runs from the scene's particle stream to the end of the run.
  ctx.set_particle_target(ctx.particles().total_steps());
  saved.set_particle_target(saved.particles().total_steps());
  ctx.update();
  saved.update();
  REQUIRE(ctx.particles().finished());
  REQUIRE(saved.particles().finished());
  CHECK(max_abs_diff(ctx.particles().positions(), saved.particles().positions()) <= 1e-4f);

  // Back to live: the newest weights again, and the particles run again with them.
  edit = ctx.scene();
  edit.ui.scrub_step = -1;
  REQUIRE(ctx.apply(edit));
  ctx.update();
  CHECK_FALSE(ctx.shown().scrubbed);
  CHECK(ctx.model_step() == live_step(ctx));
  CHECK(app::scrub_label(ctx.shown()).empty());
  fs::remove(path);
}

TEST_CASE("scrub: ui.scrub_step outside [-1, 2^31 - 1] is refused, naming the key") {
  AppContext ctx(scrub_scene(), state_testing::scripted());
  Scene edit = ctx.scene();
  edit.ui.scrub_step = -2;
  CHECK_FALSE(ctx.apply(edit));
  CHECK(ctx.status().text.find("ui.scrub_step") != std::string::npos);
  CHECK(ctx.scene().ui.scrub_step == -1);
}
