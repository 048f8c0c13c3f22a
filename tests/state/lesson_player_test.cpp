// The lesson player: a step change is an ordinary edit submitted through AppContext (the diff
// rebuilds only what the step changed), steps are clamped to the lesson, the room's display
// settings survive a step change, and the scene stays editable after it.
#include <doctest/doctest.h>

#include <vector>

#include "app/state/app_context.h"
#include "app/state/lesson_player.h"

#include "state/state_testing.h"

using namespace scorelab;
using state_testing::scripted;
using app::AppContext;
using app::Command;

namespace {

// Three steps: particles off → on (only a layer) → another sampler step size (particles restart).
Lesson three_steps() {
  return parse_lesson_text(R"({"title": "t",
    "base": {"particles": 200, "sampler": {"kind": "langevin", "step_size": 0.01, "steps": 50},
             "layers": {"particles": {"on": false}}, "ui": {"training": false}},
    "steps": [{"caption": "one"},
              {"caption": "two", "patch": {"layers": {"particles": {"on": true}}}},
              {"caption": "three", "patch": {"sampler": {"step_size": 0.02}}}]})",
                           "t.json", ".");
}

// One frame of the window: the lesson player turns step commands into the edit, then submit.
void frame(AppContext& ctx, app::LessonPlayer& player, std::vector<Command> commands) {
  Scene edit = ctx.scene();
  player.navigate(commands, ctx.scene(), edit);
  ctx.submit(edit, commands);
}

}  // namespace

TEST_CASE("lesson player: steps go through submit, rebuild only what changed, and clamp") {
  app::LessonPlayer player;
  const Lesson lesson = three_steps();
  AppContext ctx(player.open(lesson, "t.json"), scripted());
  CHECK(ctx.scene() == lesson.steps[0].scene);
  CHECK(ctx.scene().ui.presenter);
  const AppContext::Rebuilds r0 = ctx.rebuilds();

  frame(ctx, player, {Command::PreviousStep});  // already at the first step: nothing
  CHECK(player.step() == 0);
  CHECK(ctx.scene() == lesson.steps[0].scene);

  frame(ctx, player, {Command::NextStep});  // a layer turns on: nothing is rebuilt
  CHECK(player.step() == 1);
  CHECK(ctx.scene() == lesson.steps[1].scene);
  CHECK(ctx.rebuilds().data == r0.data);
  CHECK(ctx.rebuilds().trainer == r0.trainer);
  CHECK(ctx.rebuilds().particles == r0.particles);

  frame(ctx, player, {Command::NextStep});  // the sampler changes: the particles restart
  CHECK(ctx.scene() == lesson.steps[2].scene);
  CHECK(ctx.rebuilds().particles == r0.particles + 1);
  CHECK(ctx.rebuilds().data == r0.data);

  frame(ctx, player, {Command::NextStep});  // past the last step: stays
  CHECK(player.step() == 2);

  // Still live and editable: a panel's edit applies as usual.
  Scene edit = ctx.scene();
  edit.particles = 300;
  frame(ctx, player, {});
  ctx.submit(edit);
  CHECK(ctx.scene().particles == 300);

  frame(ctx, player, {Command::PreviousStep, Command::PreviousStep});
  CHECK(player.step() == 0);
  CHECK(ctx.scene() == lesson.steps[0].scene);  // the step's scene again, edits dropped
}

TEST_CASE("lesson player: a step change keeps the room's UI scale, panels and presenter mode") {
  app::LessonPlayer player;
  AppContext ctx(player.open(three_steps(), "t.json"), scripted());
  Scene edit = ctx.scene();
  edit.ui.ui_scale = 2;
  edit.ui.presenter = false;
  edit.ui.show_panels = false;
  ctx.submit(edit);
  frame(ctx, player, {Command::NextStep});
  CHECK(player.step() == 1);
  CHECK(ctx.scene().ui.ui_scale == 2);
  CHECK_FALSE(ctx.scene().ui.presenter);
  CHECK_FALSE(ctx.scene().ui.show_panels);
  CHECK(ctx.scene().layers.particles.on);
  // Opening a lesson at a step past its end shows its last step.
  app::LessonPlayer other;
  CHECK(other.open(three_steps(), "t.json", 10) == three_steps().steps[2].scene);
  CHECK(other.step() == 2);
}

TEST_CASE("lesson player: a step's claims are stated from its first frame, measured at its end") {
  // Before the run ends the strip shows what the step claims, pending (its height is then final
  // from frame 1); when it has ended, the verdicts of that run.
  const Lesson lesson = parse_lesson_text(R"({"title": "t",
    "base": {"particles": 200, "data": {"dataset": "two_gaussians"},
             "sampler": {"kind": "langevin", "step_size": 0.01, "steps": 50},
             "ui": {"training": false}},
    "steps": [{"caption": "one", "claims": [{"kind": "off_modes", "at_most": 0.5}]}]})",
                                          "t.json", ".");
  app::LessonPlayer player;
  const Scene scene = player.open(lesson, "t.json");
  const Points none(2, 0);
  const std::vector<ClaimCheck>* running =
      player.claim_checks(scene, none, nullptr, /*finished=*/false, 1, 0, nullptr);
  REQUIRE(running != nullptr);
  REQUIRE(running->size() == 1);
  CHECK(running->at(0).pending);
  CHECK(running->at(0).stated == claim_statement(lesson.steps[0].claims[0]));
  CHECK(running->at(0).measured == "measured when the run ends");
  Points at_modes(2, 200);
  at_modes.setZero();
  const std::vector<ClaimCheck>* done =
      player.claim_checks(scene, at_modes, nullptr, /*finished=*/true, 1, 0, nullptr);
  REQUIRE(done != nullptr);
  CHECK_FALSE(done->at(0).pending);
  CHECK(done->at(0).stated == running->at(0).stated);
}
