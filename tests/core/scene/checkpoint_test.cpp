// Checkpoints: a bit-exact round trip, and every damaged or foreign file rejected with a message
// while nothing is constructed from it.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"

using namespace scorelab;

namespace {

Scene small_scene() {
  Scene s;
  s.train.model.width = 16;
  s.train.model.depth = 2;
  s.train.batch = 32;
  s.train.seed = 7;
  return s;
}

std::string trained_bytes(int steps = 25) {
  const Scene scene = small_scene();
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < steps; ++i) session.step();
  return serialize_checkpoint(make_checkpoint(session, scene));
}

}  // namespace

TEST_CASE("checkpoint round trip is bit-exact and restores the same score") {
  const Scene scene = small_scene();
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < 25; ++i) session.step();
  const Checkpoint saved = make_checkpoint(session, scene);
  const std::string bytes = serialize_checkpoint(saved);
  const Checkpoint back = parse_checkpoint(bytes, "mem");
  CHECK(serialize_checkpoint(back) == bytes);
  CHECK(back.step == 25);
  CHECK(back.params == session.params());
  CHECK(back.ema == session.ema().weights());
  CHECK(back.adam_m == session.adam().m());
  CHECK(back.adam_v == session.adam().v());
  CHECK(back.scene == scene);
  REQUIRE(back.reach.has_value());  // the default model has the skip far field
  CHECK(back.reach == session.mlp().reach());
  CHECK(back.snapshot()->mlp->reach() == session.mlp().reach());

  // The restored network answers exactly as the trained one, on the data and far from it (where
  // the skip far field's window, which the reach places, decides the score).
  Points x(2, 50), a, b;
  Rng rng(1);
  rng.fill_normal(x);
  x.rightCols(25) *= 20.0f;
  LearnedScore(session.snapshot(), true).score(x, NoiseLevel::sigma(0.7), a);
  LearnedScore(back.snapshot(), true).score(x, NoiseLevel::sigma(0.7), b);
  CHECK(a == b);

  // Training resumed from the checkpoint continues exactly as the original run.
  TrainingSession resumed(back.scene.train_config(), make_data_source(back.scene.data));
  resumed.restore(back.step, back.params, back.ema, back.ema_updates, back.adam_steps, back.adam_m,
                  back.adam_v);
  CHECK(resumed.params() == session.params());
}

TEST_CASE("a checkpoint of a published snapshot answers as the snapshot and can be resumed") {
  const Scene scene = small_scene();
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < 25; ++i) session.step();
  const auto snapshot = session.snapshot();
  const Checkpoint c = checkpoint_of_snapshot(*snapshot, scene);
  CHECK(c.step == 25);
  CHECK(c.adam_steps == 0);  // a snapshot has no optimiser state
  CHECK(c.adam_m.isZero());
  const Checkpoint back = parse_checkpoint(serialize_checkpoint(c), "mem");  // a valid file
  Points x(2, 50), a, b;
  Rng rng(1);
  rng.fill_normal(x);
  for (bool ema : {true, false}) {
    LearnedScore(snapshot, ema).score(x, NoiseLevel::sigma(0.7), a);
    LearnedScore(back.snapshot(), ema).score(x, NoiseLevel::sigma(0.7), b);
    CHECK(a == b);
  }
  TrainingSession resumed(back.scene.train_config(), make_data_source(back.scene.data));
  resumed.restore(back.step, back.params, back.ema, back.ema_updates, back.adam_steps, back.adam_m,
                  back.adam_v);
  resumed.step();
  CHECK(resumed.steps() == 26);
  CHECK(resumed.params().allFinite());
  CHECK(resumed.params() != session.params());  // it trained on from the snapshot's weights
}

// A checkpoint written before the skip far field has no data_reach: its weights were trained with
// the network's h everywhere, so it is read (and resumed) with far_field "network", and answers as
// a model without a window does.
TEST_CASE("a checkpoint names the data and noise process it was trained on when a scene differs") {
  Checkpoint c;
  c.scene = small_scene();  // ring8, VE, continuous levels
  Scene same = c.scene;
  same.particles = 123;  // not what training used
  same.noise.schedule.levels = 7;  // the continuous objective never reads the schedule
  CHECK(training_mismatch(c, same).empty());

  Scene moons = c.scene;
  moons.data.source = std::string("moons");
  const std::string data = training_mismatch(c, moons);
  CHECK(data.find("trained on ring8") != std::string::npos);
  CHECK(data.find("this scene has moons") != std::string::npos);

  Scene vp = c.scene;
  vp.noise.sde.kind = SdeKind::VP;
  const std::string sde = training_mismatch(c, vp);
  CHECK(sde.find("the VE SDE") != std::string::npos);
  CHECK(sde.find("the VP SDE") != std::string::npos);

  Scene wider = c.scene;
  wider.noise.sde.sigma_max *= 2;
  CHECK(training_mismatch(c, wider).find("other settings (noise.sde)") != std::string::npos);

  // A model trained on the discrete σ levels: the schedule is what it learned.
  c.scene.train.objective.levels = LevelSource::Discrete;
  Scene levels = c.scene;
  levels.noise.schedule.levels = 7;
  CHECK(training_mismatch(c, levels).find("noise.schedule") != std::string::npos);
}

TEST_CASE("a checkpoint without a data reach is read with the network far field") {
  const Scene scene = small_scene();
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < 10; ++i) session.step();
  Checkpoint old = make_checkpoint(session, scene);
  REQUIRE(old.reach.has_value());
  old.reach.reset();
  const Checkpoint back = parse_checkpoint(serialize_checkpoint(old), "mem");
  CHECK(back.scene.train.model.far_field == FarField::Network);
  CHECK(!back.reach.has_value());
  CHECK(!back.snapshot()->mlp->reach().has_value());
  TrainingSession resumed(back.scene.train_config(), make_data_source(back.scene.data));
  CHECK(!resumed.mlp().reach().has_value());
  // Far from the data the two models differ: the window is what the reach switched on.
  Points x(2, 8), a, b;
  Rng rng(2);
  rng.fill_normal(x);
  x *= 30.0f;
  LearnedScore(session.snapshot(), true).score(x, NoiseLevel::sigma(0.7), a);
  LearnedScore(back.snapshot(), true).score(x, NoiseLevel::sigma(0.7), b);
  CHECK(a != b);
}

TEST_CASE("truncated, corrupted and foreign checkpoints are rejected") {
  const std::string good = trained_bytes();
  CHECK_NOTHROW(parse_checkpoint(good, "good"));
  CHECK_THROWS_WITH_AS(parse_checkpoint("", "empty"), doctest::Contains("signature"), InputError);
  CHECK_THROWS_WITH_AS(parse_checkpoint("hello, this is a text file with no magic", "text"),
                       doctest::Contains("signature"), InputError);
  for (std::size_t cut : {good.size() - 1, good.size() / 2, std::size_t{20}}) {
    CAPTURE(cut);
    CHECK_THROWS_WITH_AS(parse_checkpoint(good.substr(0, cut), "cut"),
                         doctest::Contains("truncated"), InputError);
  }
  // One flipped bit anywhere after the signature: the checksum (or the version check) catches it.
  for (std::size_t pos : {std::size_t{9}, std::size_t{40}, good.size() / 2, good.size() - 20}) {
    CAPTURE(pos);
    std::string bad = good;
    bad[pos] ^= 0x10;
    CHECK_THROWS_AS(parse_checkpoint(bad, "flipped"), InputError);
  }
  // A well-formed file whose weights do not fit its own architecture.
  Checkpoint mismatched = parse_checkpoint(good, "good");
  mismatched.scene.train.model.width = 17;
  CHECK_THROWS_WITH_AS(parse_checkpoint(serialize_checkpoint(mismatched), "mismatched"),
                       doctest::Contains("parameters but its model needs"), InputError);
  // A data reach the skip far field cannot use.
  Checkpoint bad_reach = parse_checkpoint(good, "good");
  REQUIRE(bad_reach.reach.has_value());
  bad_reach.reach->radius = -1;
  CHECK_THROWS_WITH_AS(parse_checkpoint(serialize_checkpoint(bad_reach), "bad reach"),
                       doctest::Contains("reach"), InputError);
  std::string future = good;
  future[8] = 9;  // version 9
  CHECK_THROWS_WITH_AS(parse_checkpoint(future, "future"), doctest::Contains("version"),
                       InputError);
}

TEST_CASE("a missing file or an unwritable path is a clear error, and nothing is half-written") {
  CHECK_THROWS_WITH_AS(
      load_checkpoint("/nonexistent/model.ckpt"),
      doctest::Contains("cannot read checkpoint '/nonexistent/model.ckpt': it does not exist"),
      InputError);
  const Checkpoint c = parse_checkpoint(trained_bytes(3), "mem");
  CHECK_THROWS_AS(save_checkpoint("/nonexistent/dir/model.ckpt", c), InputError);
  const std::string path = "checkpoint_test_tmp.ckpt";
  save_checkpoint(path, c);
  const Checkpoint back = load_checkpoint(path);
  CHECK(back.params == c.params);
  std::remove(path.c_str());
}

// A flow-matching model (straight path, velocity output) is saved with its scene header, so it
// reloads as a velocity network: the same velocity, and a score from it, not a noise prediction.
TEST_CASE("checkpoint of a flow-matching model reloads as the same velocity network") {
  Scene scene = small_scene();
  scene.noise.sde.kind = SdeKind::RectifiedFlow;
  fit_training_to_path(scene.train.objective, scene.train.model, scene.noise.sde.kind);
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < 10; ++i) session.step();
  const Checkpoint back =
      parse_checkpoint(serialize_checkpoint(make_checkpoint(session, scene)), "mem");
  CHECK(back.scene.train.objective.kind == ObjectiveKind::FlowMatching);
  CHECK(back.scene.train.model.output == OutputScaling::Velocity);
  const LearnedScore trained(session.snapshot(), true), restored(back.snapshot(), true);
  REQUIRE(restored.has_velocity());
  Points x(2, 20), a, b;
  Rng rng(2);
  rng.fill_normal(x);
  const NoiseLevel lv = Sde(scene.noise.sde).level(0.4);
  trained.velocity(x, lv, a);
  restored.velocity(x, lv, b);
  CHECK(a == b);
}
