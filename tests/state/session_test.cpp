// Undo / redo and sessions on disk, without a display: undo restores the exact previous state,
// one gesture is one step, at least 50 steps are kept; save → open → save gives the same file, a
// saved model comes back, and a refused file leaves the session untouched.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/state/app_context.h"
#include "app/state/session_files.h"
#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/scene/checkpoint.h"
#include "core/train/training_session.h"

#include "state/state_testing.h"

using namespace scorelab;
using state_testing::scripted;
using app::AppContext;
using app::Command;
namespace fs = std::filesystem;

namespace {

Scene small_scene() {
  Scene s;
  s.particles = 200;
  s.ui.training = false;
  s.train.model.width = 16;
  s.train.model.depth = 2;
  s.train.batch = 32;
  return s;
}

void undo(AppContext& ctx) { ctx.run(Command::Undo); }
void redo(AppContext& ctx) { ctx.run(Command::Redo); }

// The i-th of a series of different edits touching data, noise, sampler, model and layers.
Scene edited(Scene s, int i) {
  switch (i % 5) {
    case 0: s.noise.sde.sigma_max = 5 + i * 0.1; break;
    case 1: s.particles = 100 + i; break;
    case 2: s.layers.density.range = 5 + i; break;
    case 3: s.seed = std::uint64_t(i); break;
    case 4: s.train.adam.lr = 1e-3 * (1 + i % 7); break;
  }
  return s;
}

// A training session of `s`'s model and process on the 8-Gaussian ring (no step taken yet).
TrainingSession ring8_session(const Scene& s) {
  const GaussianMixture gmm = ring8();
  return TrainingSession(s.train_config(),
                         [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); });
}

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("scorelab_session_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("undo and redo restore the exact previous states, for 60 edits") {
  AppContext ctx(small_scene(), scripted());
  std::vector<Scene> states{ctx.scene()};
  for (int i = 0; i < 60; ++i) {
    ctx.submit(edited(ctx.scene(), i));
    REQUIRE(ctx.status().kind != app::StatusMessage::Kind::Error);
    states.push_back(ctx.scene());
  }
  CHECK(ctx.history().undo_count() == 60);
  for (int i = 59; i >= 0; --i) {
    undo(ctx);
    CHECK(ctx.scene() == states[std::size_t(i)]);
  }
  CHECK(ctx.history().undo_count() == 0);
  for (int i = 1; i <= 60; ++i) {
    redo(ctx);
    CHECK(ctx.scene() == states[std::size_t(i)]);
  }
  // A new edit after an undo clears the redo list.
  undo(ctx);
  ctx.submit(edited(ctx.scene(), 61));
  CHECK(ctx.history().redo_count() == 0);
}

TEST_CASE("undo keeps at most kMaxUndo (>= 50) steps, dropping the oldest") {
  static_assert(app::kMaxUndo >= 50);
  AppContext ctx(small_scene(), scripted());
  for (int i = 0; i < int(app::kMaxUndo) + 20; ++i) ctx.submit(edited(ctx.scene(), i));
  CHECK(ctx.history().undo_count() == app::kMaxUndo);
}

TEST_CASE("undo takes a whole gesture back in one step and skips transport and camera") {
  AppContext ctx(small_scene(), scripted());
  const Scene start = ctx.scene();
  // A slider dragged over 10 frames: one entry.
  for (int i = 1; i <= 10; ++i) {
    Scene s = ctx.scene();
    s.noise.sde.sigma_max = 10 - 0.4 * i;
    ctx.submit(s, {}, /*gesture=*/true);
  }
  ctx.submit(ctx.scene(), {}, false);  // released
  CHECK(ctx.history().undo_count() == 1);
  // Pan, zoom, play/pause and restart are not edits of data or settings.
  Scene moved = ctx.scene();
  moved.view.center_x += 1;
  moved.view.half_height *= 2;
  ctx.submit(moved);
  ctx.run(Command::PlayPause);
  ctx.run(Command::NextRun);
  // Nor is the window's display: presenter mode is the viewer's (FieldRole::Display).
  ctx.run(Command::TogglePresenter);
  CHECK(ctx.history().undo_count() == 1);
  const Scene before_undo = ctx.scene();
  undo(ctx);
  // The noise is back; camera and transport stay where they are.
  CHECK(ctx.scene().noise == start.noise);
  CHECK(ctx.scene().view.center_x == before_undo.view.center_x);
  CHECK(ctx.scene().view.half_height == before_undo.view.half_height);
  CHECK(ctx.scene().ui.run == before_undo.ui.run);
  CHECK(ctx.scene().ui.playing == before_undo.ui.playing);
  CHECK(ctx.scene().ui.presenter);
  // Nothing left: undo says so and changes nothing.
  const Scene now = ctx.scene();
  undo(ctx);
  CHECK(ctx.scene() == now);
  CHECK(ctx.status().text == "nothing to undo");
}

TEST_CASE("undo of a refused edit: nothing was recorded") {
  AppContext ctx(small_scene(), scripted());
  Scene bad = ctx.scene();
  bad.particles = -1;
  ctx.submit(bad);
  CHECK(ctx.status().kind == app::StatusMessage::Kind::Error);
  CHECK(ctx.history().undo_count() == 0);
}

TEST_CASE("session: save, open and save again give the same file") {
  const fs::path dir = temp_dir();
  AppContext ctx(small_scene(), scripted());
  Scene s = ctx.scene();
  s.view.split = true;
  s.view.center_x = 1.25;
  s.layers.error.on = true;
  ctx.submit(s);
  const std::string a = (dir / "a.json").string(), b = (dir / "b.json").string();
  app::save_session(a, ctx.scene());
  const app::OpenedSession opened = app::open_session(a);
  CHECK(opened.scene == ctx.scene());
  CHECK(opened.model == nullptr);
  app::save_session(b, opened.scene);
  CHECK(read(a) == read(b));
  fs::remove_all(dir);
}

TEST_CASE("session: a saved model comes back with the scene, weights identical") {
  const fs::path dir = temp_dir();
  AppContext ctx(small_scene(), scripted());
  ctx.run(Command::TrainStep);
  ctx.run(Command::TrainStep);
  // Wait for the two steps' snapshot.
  for (int i = 0; i < 2000 && !(ctx.training() && ctx.training()->model &&
                                ctx.training()->model->step >= 2);
       ++i) {
    usleep(1000);
    ctx.update();
  }
  REQUIRE(ctx.training());
  REQUIRE(ctx.training()->model);
  const Checkpoint saved = checkpoint_of_snapshot(*ctx.training()->model, ctx.scene());
  const std::string path = (dir / "trained.json").string();
  app::save_session(path, ctx.scene(), &saved);
  CHECK(fs::exists(dir / "trained.ckpt"));
  const app::OpenedSession opened = app::open_session(path);
  CHECK(opened.scene.ui.model_file == "trained.ckpt");
  REQUIRE(opened.model);
  CHECK(opened.model->params == saved.params);
  CHECK(opened.model->ema == saved.ema);
  CHECK(opened.model->step == saved.step);

  // Opened into a fresh context: the trainer starts from those weights.
  AppContext other(small_scene(), scripted());
  REQUIRE(other.open(opened.scene, opened.model));
  for (int i = 0; i < 2000 && !(other.training() && other.training()->model); ++i) {
    usleep(1000);
    other.update();
  }
  REQUIRE(other.training());
  REQUIRE(other.training()->model);
  CHECK(other.training()->model->step == saved.step);
  fs::remove_all(dir);
}

TEST_CASE("session: the scene file is the one commit point of a save with its model") {
  const fs::path dir = temp_dir();
  const Scene s = small_scene();
  TrainingSession session = ring8_session(s);
  session.step();
  const Checkpoint one = make_checkpoint(session, s);
  session.step();
  const Checkpoint two = make_checkpoint(session, s);
  REQUIRE(one.params != two.params);

  // Saves alternate between two names, so a new checkpoint never replaces the one the old scene
  // names; once the new scene is in place, the old checkpoint is removed.
  const std::string path = (dir / "pair.json").string();
  const auto saved = [&](const Checkpoint* model, const char* name) {
    app::save_session(path, s, model);
    const app::OpenedSession opened = app::open_session(path);
    CHECK(opened.scene.ui.model_file == name);
    if (model) {
      REQUIRE(opened.model);
      CHECK(opened.model->params == model->params);
    } else {
      CHECK(opened.model == nullptr);
    }
  };
  saved(&one, "pair.ckpt");
  saved(&two, "pair.ckpt2");
  CHECK_FALSE(fs::exists(dir / "pair.ckpt"));
  saved(&one, "pair.ckpt");
  CHECK_FALSE(fs::exists(dir / "pair.ckpt2"));
  saved(nullptr, "");
  CHECK_FALSE(fs::exists(dir / "pair.ckpt"));

  // A scene write that fails after the new checkpoint was written: the scene's name leaves no room
  // for its temporary's (".<name>.tmp-XXXXXXXX" is longer than the 255 bytes a name may have),
  // while the checkpoint's shorter name does. The old pair is left as it was, byte for byte, and
  // the unreferenced new checkpoint is removed.
  const std::string stem(225, 's');
  const std::string long_path = (dir / (stem + "." + std::string(20, 'j'))).string();
  Scene old_scene = s;
  old_scene.ui.model_file = stem + ".ckpt";
  save_checkpoint((dir / old_scene.ui.model_file).string(), one);
  std::ofstream(long_path) << to_json(old_scene).dump(2);
  const std::string old_text = read(long_path), old_weights = read(dir / old_scene.ui.model_file);
  CHECK_THROWS_WITH_AS(app::save_session(long_path, s, &two), doctest::Contains("cannot write"),
                       InputError);
  CHECK(read(long_path) == old_text);
  CHECK(read(dir / old_scene.ui.model_file) == old_weights);
  CHECK_FALSE(fs::exists(dir / (stem + ".ckpt2")));
  CHECK(load_checkpoint((dir / old_scene.ui.model_file).string()).params == one.params);
  fs::remove_all(dir);
}

TEST_CASE("session: a session saved under a long name opens again, with its model") {
  // ui.model_file is the scene's stem plus ".ckpt" or ".ckpt2": a file name up to 255 bytes,
  // which the scene reader must take back (it once refused any string over 64 characters).
  const fs::path dir = temp_dir();
  const Scene s = small_scene();
  TrainingSession session = ring8_session(s);
  session.step();
  const Checkpoint model = make_checkpoint(session, s);
  const std::string path = (dir / (std::string(150, 'l') + ".json")).string();
  for (int save = 0; save < 2; ++save) {  // .ckpt, then .ckpt2
    CAPTURE(save);
    app::save_session(path, s, &model);
    const app::OpenedSession opened = app::open_session(path);
    CHECK(opened.scene.ui.model_file.size() == 150 + (save == 0 ? 5 : 6));
    REQUIRE(opened.model);
    CHECK(opened.model->params == model.params);
  }
  fs::remove_all(dir);
}

TEST_CASE("session: a model trained on other data opens with a warning that names both") {
  // A moons scene that names a ring8 checkpoint used to open without a word.
  const fs::path dir = temp_dir();
  const Scene s = small_scene();
  TrainingSession session = ring8_session(s);
  session.step();
  const Checkpoint model = make_checkpoint(session, s);
  const std::string path = (dir / "edited.json").string();
  app::save_session(path, s, &model);
  CHECK(app::open_session(path).warning.empty());
  nlohmann::json j = nlohmann::json::parse(read(path));
  j["data"]["dataset"] = "moons";
  std::ofstream(path) << j.dump();
  const app::OpenedSession opened = app::open_session(path);
  REQUIRE(opened.model);  // used as asked: comparing a model with other data is an experiment
  CHECK(opened.warning.find("edited.json") != std::string::npos);
  CHECK(opened.warning.find("trained on ring8") != std::string::npos);
  CHECK(opened.warning.find("moons") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("session: a newer, malformed or missing file is refused and the session is untouched") {
  const fs::path dir = temp_dir();
  const struct {
    const char* name;
    const char* text;
    const char* expected;
  } cases[] = {
      {"newer.json", R"({"version": 99})", "newer than this build"},
      {"broken.json", R"({"version": 2, "particles": )", "broken.json"},
      {"unknown.json", R"({"version": 2, "partikles": 3})", "partikles"},
      {"model.json", R"({"version": 2, "ui": {"model_file": "missing.ckpt"}})", "missing.ckpt"},
      {"folder.json", R"({"version": 2, "ui": {"model_file": "../x.ckpt"}})", "model_file"},
  };
  AppContext ctx(small_scene(), scripted());
  const Scene before = ctx.scene();
  for (const auto& c : cases) {
    CAPTURE(c.name);
    std::ofstream(dir / c.name) << c.text;
    CHECK_THROWS_WITH_AS(app::open_session((dir / c.name).string()),
                         doctest::Contains(c.expected), InputError);
    CHECK(ctx.scene() == before);
  }
  CHECK_THROWS_AS(app::open_session((dir / "absent.json").string()), InputError);
  // Saving into a folder that does not exist fails and writes nothing.
  CHECK_THROWS_AS(app::save_session((dir / "no" / "x.json").string(), before), InputError);
  CHECK(!fs::exists(dir / "no"));
  fs::remove_all(dir);
}

TEST_CASE("session: recent files, newest first, at most kMaxRecent, kept across runs") {
  const fs::path dir = temp_dir();
  const std::string store = (dir / "cfg" / "recent.json").string();
  {
    app::RecentFiles recent(store);
    CHECK(recent.paths().empty());
    for (int i = 0; i < 10; ++i) CHECK(recent.add((dir / (std::to_string(i) + ".json")).string()).empty());
    CHECK(recent.add((dir / "3.json").string()).empty());  // again: moves to the front
    CHECK(recent.paths().size() == app::RecentFiles::kMaxRecent);
    CHECK(recent.paths().front() == (dir / "3.json").string());
  }
  app::RecentFiles again(store);
  CHECK(again.paths().size() == app::RecentFiles::kMaxRecent);
  CHECK(again.paths().front() == (dir / "3.json").string());
  CHECK(again.paths()[1] == (dir / "9.json").string());
  // A damaged list is an empty one, not an error.
  std::ofstream(store) << "{not json";
  CHECK(app::RecentFiles(store).paths().empty());
  fs::remove_all(dir);
}

TEST_CASE("session: a recent-files list that cannot be written says so and keeps the list") {
  // Issue 24 item 10: a config "directory" that is a file, a read-only one, a full disk.
  const fs::path dir = temp_dir();
  std::ofstream(dir / "file") << "x";
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string stores[] = {(dir / "file" / "recent.json").string(),
                                (dir / "ro" / "recent.json").string(), "/dev/full"};
  for (const std::string& store : stores) {
    CAPTURE(store);
    app::RecentFiles recent(store);
    const std::string problem = recent.add((dir / "a.json").string());
    // root ignores permissions: the read-only case then succeeds, as it should for root.
    if (store.find("/ro/") != std::string::npos && ::geteuid() == 0) continue;
    CHECK(problem.find("recent files not saved") != std::string::npos);
    REQUIRE(recent.paths().size() == 1);  // the list in memory is kept for this run
    CHECK(recent.paths()[0] == (dir / "a.json").string());
  }
  fs::permissions(dir / "ro", fs::perms::owner_all);
  CHECK(read(dir / "file") == "x");
  fs::remove_all(dir);
}
