// The window's state without a display: every edit goes through AppContext::apply, which rebuilds
// exactly what the scene diff says; keys and buttons post the same Commands, whose results are
// scene edits that round-trip through the scene file.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "app/state/app_context.h"

#include "state/state_testing.h"

using namespace scorelab;
using state_testing::scripted;
using app::AppContext;
using app::Command;

namespace {

Scene small_scene() {
  Scene s;
  s.particles = 200;
  s.ui.training = false;
  return s;
}

// How many times data, trainer and particles were rebuilt by `edit`.
template <class Edit>
AppContext::Rebuilds rebuilds_of(Edit edit) {
  AppContext ctx(small_scene(), scripted());
  const AppContext::Rebuilds before = ctx.rebuilds();
  Scene next = ctx.scene();
  edit(next);
  REQUIRE(ctx.apply(next));
  CHECK(ctx.scene() == next);
  const AppContext::Rebuilds after = ctx.rebuilds();
  return {after.data - before.data, after.trainer - before.trainer,
          after.particles - before.particles};
}

void check_rebuilds(const AppContext::Rebuilds& r, int data, int trainer, int particles) {
  CHECK(r.data == data);
  CHECK(r.trainer == trainer);
  CHECK(r.particles == particles);
}

}  // namespace

TEST_CASE("an edit of each block rebuilds exactly what it should") {
  check_rebuilds(rebuilds_of([](Scene& s) { s.data.source = std::string("moons"); }), 1, 0, 1);
  check_rebuilds(rebuilds_of([](Scene& s) { s.seed = 3; }), 1, 0, 1);
  check_rebuilds(rebuilds_of([](Scene& s) { s.noise.sde.sigma_max = 5; }), 0, 0, 1);
  check_rebuilds(rebuilds_of([](Scene& s) { s.sampler = LangevinConfig{}; }), 0, 0, 1);
  check_rebuilds(rebuilds_of([](Scene& s) { s.particles = 300; }), 0, 0, 1);
  check_rebuilds(rebuilds_of([](Scene& s) { s.train.model.width = 32; }), 0, 1, 0);
  check_rebuilds(rebuilds_of([](Scene& s) { s.train.adam.lr = 1e-4; }), 0, 0, 0);
  check_rebuilds(rebuilds_of([](Scene& s) { s.train.batch = 64; }), 0, 0, 0);
  check_rebuilds(rebuilds_of([](Scene& s) { s.layers.density.on = false; }), 0, 0, 0);
  check_rebuilds(rebuilds_of([](Scene& s) { s.view.center_x = 2; }), 0, 0, 0);
  check_rebuilds(rebuilds_of([](Scene& s) { s.ui.training = true; }), 0, 0, 0);
}

TEST_CASE("a refused edit changes nothing and says why") {
  AppContext ctx(small_scene(), scripted());
  const Scene before = ctx.scene();
  const AppContext::Rebuilds r0 = ctx.rebuilds();
  Scene bad = before;
  bad.noise.sde.sigma_max = -1;
  CHECK_FALSE(ctx.apply(bad));
  CHECK(ctx.scene() == before);
  CHECK(ctx.rebuilds().data == r0.data);
  CHECK(ctx.rebuilds().particles == r0.particles);
  CHECK(ctx.status().kind == app::StatusMessage::Kind::Error);
  CHECK(ctx.status().text.find("sigma_max") != std::string::npos);
}

TEST_CASE("every command's result is a scene edit that round-trips through the file") {
  for (Command c : {Command::PlayPause, Command::StepSampler, Command::NextRun,
                    Command::ToggleTraining, Command::TrainStep, Command::ResetTraining,
                    Command::ToggleHelp, Command::TogglePanels}) {
    CAPTURE(app::command_name(c));
    AppContext ctx(small_scene(), scripted());
    ctx.run(c);
    CHECK(parse_scene(to_json(ctx.scene())) == ctx.scene());
  }
}

TEST_CASE("commands edit the scene as their keys and buttons say") {
  AppContext ctx(small_scene(), scripted());
  REQUIRE(ctx.scene().ui.playing);
  ctx.run(Command::PlayPause);
  CHECK_FALSE(ctx.scene().ui.playing);
  ctx.run(Command::PlayPause);
  CHECK(ctx.scene().ui.playing);

  ctx.run(Command::StepSampler);  // pauses, then one step
  CHECK_FALSE(ctx.scene().ui.playing);
  CHECK(ctx.particles().steps_taken() == 1);

  const std::uint64_t run = ctx.scene().ui.run;
  ctx.run(Command::NextRun);  // a new run from the start, playing
  CHECK(ctx.scene().ui.run == run + 1);
  CHECK(ctx.scene().ui.playing);
  CHECK(ctx.particles().steps_taken() == 0);

  ctx.run(Command::ToggleTraining);
  CHECK(ctx.scene().ui.training);
  ctx.run(Command::TrainStep);  // pauses training, then one step
  CHECK_FALSE(ctx.scene().ui.training);

  ctx.run(Command::ToggleHelp);
  CHECK(ctx.scene().ui.show_help);
  ctx.run(Command::TogglePanels);
  CHECK_FALSE(ctx.scene().ui.show_panels);
}

TEST_CASE("a finished run restarts on play (paused: the same run, playing: the next)") {
  Scene s = small_scene();
  LangevinConfig three_steps;
  three_steps.step_size = 0.01;
  three_steps.steps = 3;
  s.sampler = three_steps;
  s.ui.steps_per_frame = 10;
  AppContext ctx(s, scripted());
  ctx.update();
  REQUIRE(ctx.particles().finished());
  const Points finished = ctx.particles().positions();
  ctx.run(Command::PlayPause);  // playing and finished: the next run
  CHECK(ctx.scene().ui.run == 1);
  CHECK(ctx.particles().steps_taken() == 0);
  ctx.update();
  REQUIRE(ctx.particles().finished());
  CHECK_FALSE(ctx.particles().positions().isApprox(finished));  // new noise

  Scene paused = ctx.scene();
  paused.ui.playing = false;
  ctx.apply(paused);
  const Points second = ctx.particles().positions();
  ctx.run(Command::PlayPause);  // paused and finished: the same run again
  CHECK(ctx.scene().ui.run == 1);
  CHECK(ctx.scene().ui.playing);
  ctx.update();
  CHECK(ctx.particles().positions() == second);  // same stream, same result
}

TEST_CASE("the same scene gives the same data and particles (streams split once)") {
  Scene s = small_scene();
  s.data.source = std::string("moons");
  AppContext a(s, scripted()), b(s, scripted());
  CHECK(a.data_points() == b.data_points());
  for (int i = 0; i < 5; ++i) {
    a.update();
    b.update();
  }
  CHECK(a.particles().positions() == b.particles().positions());
  // Another sampler run leaves the data draw alone.
  a.run(Command::NextRun);
  CHECK(a.data_points() == b.data_points());
}

TEST_CASE("each panel's level is derived once per frame from its t, or follows the "
          "particles") {
  Scene s = small_scene();
  s.view.split = true;
  s.view.left.t = 0.2;
  s.view.right.t = 0.8;
  s.ui.follow_sampler = false;
  AppContext ctx(s, scripted());
  ctx.update();
  CHECK(ctx.panel(0).level.s == doctest::Approx(Sde(s.noise.sde).level(0.2).s));
  CHECK(ctx.panel(1).level.s == doctest::Approx(Sde(s.noise.sde).level(0.8).s));
  CHECK(ctx.panel(1).source == FieldSource::Learned);
  Scene follow = ctx.scene();
  follow.ui.follow_sampler = true;
  ctx.apply(follow);
  ctx.update();  // one frame of sampling: both panels at the particles' level
  REQUIRE_FALSE(ctx.particles().finished());
  CHECK(ctx.panel(0).follows_particles);
  CHECK(ctx.panel(0).level.t == ctx.particles().level().t);
  CHECK(ctx.panel(1).level.t == ctx.particles().level().t);
}

// Lesson 9.2: a comparison run (Scene::compare_sampler) starts from the scene's starting points,
// keeps step with it, and the split view's right panel draws it at its own level.
TEST_CASE("a comparison run starts where the scene's does and the right panel follows it") {
  Scene s = small_scene();
  s.noise.sde.kind = SdeKind::VP;
  s.noise.sde.N = 40;
  ProbabilityFlowConfig ode;
  ode.method = OdeMethod::Rk4;
  ode.steps = 40;
  s.sampler = ode;
  s.compare_sampler = ReverseSdeConfig{};
  s.view.split = true;
  s.view.right.source = FieldSource::Exact;
  s.ui.steps_per_frame = 4;
  AppContext ctx(s, scripted());
  const Points start = ctx.particles(0).positions(), other = ctx.particles(1).positions();
  REQUIRE(other.cols() == start.cols());
  CHECK(other == start);  // the same draws of the same stream
  ctx.update();
  CHECK(ctx.particles(1).steps_taken() == ctx.particles(0).steps_taken());
  CHECK(ctx.panel(0).run == 0);
  CHECK(ctx.panel(1).run == 1);
  CHECK(ctx.panel(1).level.t == ctx.particles(1).level().t);
  CHECK(ctx.particles(1).positions() != ctx.particles(0).positions());  // noise moved them
  while (!ctx.runs_finished()) ctx.update();
  CHECK(ctx.particles(1).total_steps() == 40);
  CHECK(ctx.particles(1).finished());

  // Without a comparison the right panel draws the scene's run; removing it restarts the runs.
  Scene edit = ctx.scene();
  edit.compare_sampler.reset();
  const int before = ctx.rebuilds().particles;
  REQUIRE(ctx.apply(edit));
  CHECK(ctx.rebuilds().particles == before + 1);
  ctx.update();
  CHECK(ctx.panel(1).run == 0);
}

// Lesson 1.2: an unnormalised panel (log_z) shows the same score as the normalised one; only its
// density's numbers move (the density layer adds log_z to what it shows).
TEST_CASE("an unnormalised panel keeps the normalised panel's score and level") {
  Scene s = small_scene();
  s.view.split = true;
  s.view.left = {FieldSource::Exact, 0.0, false, 3.0};
  s.view.right = {FieldSource::Exact, 0.0, false, 0.0};
  s.ui.follow_sampler = false;
  AppContext ctx(s, scripted());
  ctx.update();
  CHECK(ctx.panel(0).log_z == 3.0);
  CHECK(ctx.panel(1).log_z == 0.0);
  CHECK(ctx.panel(0).level.s == ctx.panel(1).level.s);
  const app::FieldInputs a = app::field_inputs(ctx, 0, {0, 0, 5, 5}, 0.0),
                         b = app::field_inputs(ctx, 1, {0, 0, 5, 5}, 0.0);
  const ScoreLayerSettings arrows;
  const app::ArrowField* fa = ctx.fields(0).arrows(a, arrows);
  const app::ArrowField* fb = ctx.fields(1).arrows(b, arrows);
  REQUIRE(fa != nullptr);
  REQUIRE(fb != nullptr);
  CHECK(fa->raw == fb->raw);  // the score does not see Z
}

TEST_CASE("key bindings: one command per key, each a command a button posts too") {
  std::set<int> keys;
  std::set<Command> commands;
  for (const app::KeyBinding& b : app::kKeyBindings) {
    CHECK(keys.insert(b.glfw_key * 2 + int(b.ctrl)).second);
    // Lesson steps have two keys each (arrows, and a clicker's Page Down / Page Up); they change
    // the scene through the lesson player (tests/state/lesson_player_test.cpp).
    if (b.command == Command::NextStep || b.command == Command::PreviousStep) continue;
    CHECK(commands.insert(b.command).second);
    // The key's command does to a scene what the button's does: it is the same value, run by the
    // same AppContext::run; here, it changes the scene, the particles or a request the layers
    // act on (the model-density map's).
    AppContext ctx(small_scene(), scripted());
    // Undo needs an edit to take back, redo an undone one.
    if (b.command == Command::Undo || b.command == Command::Redo) {
      Scene edited = ctx.scene();
      edited.particles = 150;
      ctx.submit(edited);
      if (b.command == Command::Redo) ctx.run(Command::Undo);
    }
    const Scene before = ctx.scene();
    ctx.run(b.command);
    CHECK((!(ctx.scene() == before) || ctx.particles().steps_taken() > 0 ||
           ctx.model_density_requests() > 0));
  }
}

TEST_CASE("an edit this machine cannot run is refused and the previous state kept") {
  AppContext ctx(small_scene(), scripted());
  const Scene before = ctx.scene();
  Scene huge = before;
  huge.train.model.width = 4096;
  huge.train.model.depth = 64;
  huge.train.batch = 65536;
  CHECK_FALSE(ctx.apply(huge));
  CHECK(ctx.scene() == before);
  CHECK(ctx.status().kind == app::StatusMessage::Kind::Error);
}

TEST_CASE("a class's own 20,000 drawn points and the sample-only datasets stay within the window's "
          "cost") {
  AppContext ctx(small_scene(), scripted());
  Scene drawn = ctx.scene();
  PointSet set;
  for (int i = 0; i < 20000; ++i) set.points.emplace_back(std::cos(i * 0.01) * 4, i * 1e-4);
  drawn.data.source = set;
  drawn.layers.score.streamlines = true;
  CHECK(ctx.apply(drawn));
  Scene spirals = ctx.scene();
  spirals.data.source = std::string("spirals");
  CHECK(ctx.apply(spirals));
}

TEST_CASE("P posts TogglePresenter, which flips ui.presenter and nothing that needs a rebuild") {
  AppContext ctx(small_scene(), scripted());
  bool bound = false;
  for (const app::KeyBinding& b : app::kKeyBindings)
    if (b.glfw_key == 'P') bound = b.command == Command::TogglePresenter;
  CHECK(bound);
  const AppContext::Rebuilds before = ctx.rebuilds();
  ctx.run(Command::TogglePresenter);
  CHECK(ctx.scene().ui.presenter);
  ctx.run(Command::TogglePresenter);
  CHECK_FALSE(ctx.scene().ui.presenter);
  CHECK(ctx.rebuilds().data == before.data);
  CHECK(ctx.rebuilds().particles == before.particles);
}

TEST_CASE("sample-only data: fields are drawn at s >= the points' spacing, and say so") {
  // moons is an empirical mixture of its 2,000 points: at t = 0 its std would be 1e-3, far below
  // the typical distance between neighbouring points (a few hundredths), i.e. spikes.
  Scene s = small_scene();
  s.data.source = std::string("moons");
  s.ui.follow_sampler = false;
  s.view.left.t = 0;
  AppContext ctx(s, scripted());
  ctx.update();
  const double floor = ctx.field_std_floor();
  CHECK(floor > 0.005);
  CHECK(floor < 0.5);
  CHECK(ctx.panel(0).std_floored);
  CHECK(ctx.panel(0).level.s == doctest::Approx(floor));
  // Above the floor the level is untouched.
  Scene high = ctx.scene();
  high.view.left.t = 0.5;
  REQUIRE(ctx.apply(high));
  ctx.update();
  CHECK_FALSE(ctx.panel(0).std_floored);
  CHECK(ctx.panel(0).level.s > floor);
  // A mixture has its own widths: no floor beyond kMinFieldStd.
  Scene ring = small_scene();
  ring.view.left.t = 0;
  ring.ui.follow_sampler = false;
  AppContext ring_ctx(ring, scripted());
  ring_ctx.update();
  CHECK(ring_ctx.field_std_floor() == app::kMinFieldStd);
  CHECK_FALSE(ring_ctx.panel(0).std_floored);
}

TEST_CASE("a step the score cannot take pauses the run with the reason, the program goes on") {
  // Langevin at s = 0 asks a noise-conditional network for a level it does not have.
  Scene s = small_scene();
  LangevinConfig langevin;
  langevin.sigma = 0;
  s.sampler = langevin;
  s.ui.particle_source = FieldSource::Learned;
  s.train.model.width = 16;
  s.train.model.depth = 1;
  AppContext ctx(s, scripted());
  for (int i = 0; i < 200 && !ctx.learned(); ++i) ctx.update();  // the first snapshot (step 0)
  REQUIRE(ctx.learned());
  CHECK_NOTHROW(ctx.update());
  CHECK(ctx.status().kind == app::StatusMessage::Kind::Error);
  CHECK(ctx.status().text.find("sampler paused") != std::string::npos);
  CHECK_FALSE(ctx.scene().ui.playing);
  CHECK(ctx.particles().positions().allFinite());
}

TEST_CASE("any run number opens at once, and runs differ from each other and from run 0") {
  // A session may say ui.run = 2⁶⁴ − 1: the stream of run r costs one step, not r (it used to
  // split r times in a row: 10⁹ froze the window for 38 s, 2⁶⁴ − 1 for good).
  Scene s = small_scene();
  s.ui.run = ~std::uint64_t(0);
  AppContext huge(s, scripted());
  huge.update();
  CHECK(huge.particles().positions().allFinite());
  s.ui.run = 0;
  AppContext zero(s, scripted());
  s.ui.run = 1;
  AppContext one(s, scripted());
  zero.update();
  one.update();
  CHECK_FALSE(zero.particles().positions() == one.particles().positions());
  CHECK_FALSE(huge.particles().positions() == one.particles().positions());
}
