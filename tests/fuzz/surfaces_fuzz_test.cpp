// Seeded fuzzing of the input surfaces beside scenes, checkpoints and lessons (issue 24): session
// files (a scene naming a checkpoint beside it), the likelihood's points file and the window's
// recent-files list. Same rules as fuzz_test.cpp: every input is refused cleanly (InputError with
// a short message without control characters) or accepted and used; never a crash, a hang or
// another exception. Condition blocks are fuzzed through the scene corpus
// (tests/fuzz/corpus/crafted_{observation,imputation,class}.json).
#include <doctest/doctest.h>
#include <stdlib.h>  // mkdtemp

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "app/state/session_files.h"
#include "core/common/error.h"
#include "core/likelihood/points_file.h"
#include "core/scene/checkpoint.h"
#include "core/scene/scene.h"
#include "core/train/training_session.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace scorelab;
namespace fs = std::filesystem;

constexpr std::uint64_t kSurfaceSeed = 20261207;
constexpr int kSessionInputs = fuzz::kSanitized ? 150 : 400;
constexpr int kPointsInputs = fuzz::kSanitized ? 1500 : 4000;
constexpr int kRecentInputs = fuzz::kSanitized ? 300 : 1000;  // each writes the list (fsync)

// A fresh folder per test case (mkdtemp: a new name, never an existing folder), removed at the end.
struct FuzzDir {
  fs::path path;
  FuzzDir() {
    char name[] = "/tmp/scorelab_fuzz_XXXXXX";
    if (!::mkdtemp(name)) throw std::runtime_error("mkdtemp failed");
    path = name;
  }
  ~FuzzDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string p = (path / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

// An InputError is a clean refusal (its message checked); anything else fails the test.
template <class F>
bool surface_refuses(const std::string& what, F&& f) {
  try {
    f();
    return false;
  } catch (const InputError& e) {
    const std::string m = e.what();
    INFO("input: ", what);
    INFO("message: ", m.substr(0, 300));
    CHECK(m.size() <= 1000);
    CHECK(std::none_of(m.begin(), m.end(), [](char c) { return c >= 0 && c < 0x20; }));
    return true;
  } catch (const std::exception& e) {
    FAIL_CHECK("input '" << what << "': unexpected " << typeid(e).name() << ": "
                         << std::string(e.what()).substr(0, 300));
    return true;
  }
}

// Byte-level mutations of a text: flips, inserted hostile bytes and lines, truncation.
std::string mutate_text(std::string text, fuzz::Random& rnd, std::string& what) {
  static const std::string pieces[] = {"\r", "\n", "\r\n", ",", ",,", "\xEF\xBB\xBF", "nan",
                                       "inf", "-1e308", "1e400", "0x10", "\x1b[2J", "\xff\xfe",
                                       "1,2,3", "x,y", " ", "\t", "1000.0000001", "-0", "1e-400"};
  switch (rnd.below(4)) {
    case 0:
      if (!text.empty()) text[rnd.below(text.size())] ^= static_cast<char>(1u << rnd.below(8));
      what = "byte flip";
      break;
    case 1: {
      const std::string& p = pieces[rnd.below(std::size(pieces))];
      text.insert(rnd.below(text.size() + 1), p);
      what = "inserted piece";
      break;
    }
    case 2:
      text = text.substr(0, rnd.below(text.size() + 1));
      what = "truncated";
      break;
    default: {
      std::string line(rnd.below(200), 'a');
      for (char& c : line) c = static_cast<char>(rnd.below(256));
      text.insert(rnd.below(text.size() + 1), line + "\n");
      what = "random line";
    }
  }
  return text;
}

}  // namespace

TEST_CASE("mutated likelihood points files: refused cleanly by line or read as finite points") {
  fuzz::Random rnd(kSurfaceSeed);
  fuzz::Watchdog watchdog;
  const std::string base = "x,y\n0.5,1.25\n-3,4e-2\n1000,-1000\n\n7.5 , -0.125\r\n2,2\r3,3\n";
  int accepted = 0;
  for (int i = 0; i < kPointsInputs; ++i) {
    std::string what, text = base;
    for (std::size_t m = 1 + rnd.below(3); m > 0; --m) {
      std::string step;
      text = mutate_text(text, rnd, step);
      what += (what.empty() ? "" : " + ") + step;
    }
    what = "points input " + std::to_string(i) + " (" + what + ")";
    watchdog.arm(what, text);
    PointsT<double> x;
    if (!surface_refuses(what, [&] { x = read_points_csv("p.csv", text); })) {
      ++accepted;
      INFO(what);
      CHECK(x.cols() >= 1);
      CHECK(x.allFinite());
      CHECK(x.cwiseAbs().maxCoeff() <= 1000);
    }
    watchdog.disarm();
  }
  MESSAGE(kPointsInputs << " mutated points files, " << accepted << " accepted");
  CHECK(accepted > kPointsInputs / 20);
}

TEST_CASE("mutated recent-files lists: read as a short list of names or as an empty one") {
  fuzz::Random rnd(kSurfaceSeed + 1);
  fuzz::Watchdog watchdog;
  const FuzzDir dir;
  const std::string base = R"({"recent": ["/tmp/a.json", "/home/u/lesson 1.json", "b.json"]})";
  int kept = 0;
  for (int i = 0; i < kRecentInputs; ++i) {
    std::string what, text = base;
    for (std::size_t m = 1 + rnd.below(2); m > 0; --m) {
      std::string step;
      text = rnd.chance(50) ? fuzz::mutate_json(text, rnd, step) : mutate_text(text, rnd, step);
      what += (what.empty() ? "" : " + ") + step;
    }
    what = "recent input " + std::to_string(i) + " (" + what + ")";
    watchdog.arm(what, text);
    const std::string store = dir.write("recent.json", text);
    try {
      app::RecentFiles recent(store);  // never throws: a damaged list is an empty one
      INFO(what);
      CHECK(recent.paths().size() <= app::RecentFiles::kMaxRecent);
      kept += !recent.paths().empty();
      // Adding a file rewrites the list whole: it reads back with that file first.
      CHECK(recent.add((dir.path / "new.json").string()).empty());
      CHECK(app::RecentFiles(store).paths().front() == (dir.path / "new.json").string());
    } catch (const std::exception& e) {
      FAIL_CHECK(what << ": unexpected " << typeid(e).name() << ": " << e.what());
    }
    watchdog.disarm();
  }
  MESSAGE(kRecentInputs << " mutated recent-files lists, " << kept << " read with names");
  CHECK(kept > 0);
}

TEST_CASE("mutated sessions: refused cleanly or opened with their model") {
  fuzz::Random rnd(kSurfaceSeed + 2);
  fuzz::Watchdog watchdog;
  const FuzzDir dir;
  // A saved session: a scene naming the checkpoint beside it.
  Scene scene = parse_scene_text(
      R"({"version": 2, "particles": 32, "model": {"width": 16, "depth": 2, "embedding": {"width": 8}},
          "train": {"batch": 32}, "noise": {"sde": {"N": 50}}})",
      "session scene");
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  session.step();
  const Checkpoint model = make_checkpoint(session, scene);
  const std::string saved = (dir.path / "base.json").string();
  app::save_session(saved, scene, &model);
  const std::string base_scene = fuzz::read_file(saved);
  const Scene saved_scene = load_scene(saved);
  const std::string base_model =
      fuzz::read_file((dir.path / saved_scene.ui.model_file).string());
  int opened = 0;
  for (int i = 0; i < kSessionInputs; ++i) {
    std::string what;
    std::string scene_text = base_scene, model_bytes = base_model;
    if (rnd.chance(75)) {
      scene_text = fuzz::mutate_json(scene_text, rnd, what);
    } else {
      model_bytes = mutate_text(model_bytes, rnd, what);
      what = "model " + what;
    }
    what = "session input " + std::to_string(i) + " (" + what + ")";
    watchdog.arm(what, scene_text);
    dir.write(saved_scene.ui.model_file, model_bytes);
    const std::string path = dir.write("s.json", scene_text);
    app::OpenedSession s;
    if (!surface_refuses(what, [&] { s = app::open_session(path); })) {
      ++opened;
      INFO(what);
      // A session that names a model opens with it; one that names none opens without.
      CHECK((s.model != nullptr) == !s.scene.ui.model_file.empty());
    }
    watchdog.disarm();
  }
  MESSAGE(kSessionInputs << " mutated sessions, " << opened << " opened");
  // The strict reader refuses most mutations (an unknown key, a checksum): a few must still open.
  CHECK(opened > kSessionInputs / 40);
}
