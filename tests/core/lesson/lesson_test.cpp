// Lessons: every shipped lesson and every one of its steps reads through the scene reader, merge
// patches apply as RFC 7386 says (replace, recurse, null deletes), and a bad lesson is refused
// with a message that names the file, the step and the key.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "core/common/error.h"
#include "core/lesson/lesson.h"

using namespace scorelab;
namespace fs = std::filesystem;

namespace {

const std::string kLessonDir = std::string(SCORELAB_SOURCE_DIR) + "/assets/lessons";

std::string message_of(const std::string& text, const std::string& base_dir = ".") {
  try {
    (void)parse_lesson_text(text, "x.json", base_dir);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

// A lesson of ring8 with the given steps (a JSON array).
std::string lesson_with(const std::string& steps) {
  return R"({"title": "t", "base": {"data": {"dataset": "ring8"},
             "layers": {"error": {"on": true, "resolution": 32}}}, "steps": )" +
         steps + "}";
}

}  // namespace

TEST_CASE("every shipped lesson and every step reads through the scene reader") {
  const std::vector<std::string> files = lesson_files(kLessonDir);
  REQUIRE(files.size() >= 11);
  for (const std::string& f : files) {
    INFO("lesson file: ", f);
    Lesson lesson;
    REQUIRE_NOTHROW(lesson = load_lesson(f));
    CHECK(!lesson.title.empty());
    CHECK(lesson.steps.size() >= 2);
    CHECK(lesson.steps.size() <= 5);
    for (const LessonStep& step : lesson.steps) {
      // Formulas in Unicode, never LaTeX source.
      for (const std::string* text : {&step.caption}) {
        CHECK(text->find('\\') == std::string::npos);
        CHECK(text->find('$') == std::string::npos);
      }
      for (const std::string& p : step.prompts) CHECK(p.find('\\') == std::string::npos);
      CHECK(parse_scene(to_json(step.scene)) == step.scene);
    }
    // Lessons open in presenter mode (set in their base).
    CHECK(lesson.steps.front().scene.ui.presenter);
  }
}

TEST_CASE("lesson merge patches: replace, recurse, accumulate, and null deletes to the default") {
  const Lesson l = parse_lesson_text(lesson_with(R"([
      {"caption": "one"},
      {"caption": "two", "try": ["a", "b"],
       "patch": {"particles": 500, "layers": {"error": {"resolution": 48}}}},
      {"caption": "three", "patch": {"layers": {"error": null}, "ui": {"presenter": false}}},
      {"caption": "four", "patch": {"particles": null, "data": {"dataset": "two_gaussians"}}}])"),
                                     "x.json", ".");
  REQUIRE(l.steps.size() == 4);
  const Scene defaults;
  // Step 1: the base, in presenter mode.
  CHECK(l.steps[0].scene.ui.presenter);
  CHECK(l.steps[0].scene.layers.error.on);
  CHECK(l.steps[0].scene.layers.error.resolution == 32);
  CHECK(l.steps[0].scene.particles == defaults.particles);
  // Step 2: its patch replaces one number and recurses into an object, keeping its siblings.
  CHECK(l.steps[1].prompts == std::vector<std::string>{"a", "b"});
  CHECK(l.steps[1].scene.particles == 500);
  CHECK(l.steps[1].scene.layers.error.resolution == 48);
  CHECK(l.steps[1].scene.layers.error.on);
  // Step 3: patches accumulate (particles stay 500); null deletes the block, so its defaults.
  CHECK(l.steps[2].scene.particles == 500);
  CHECK(l.steps[2].scene.layers.error == defaults.layers.error);
  CHECK(!l.steps[2].scene.ui.presenter);
  // Step 4: null deletes a number (the default again); a dataset is replaced.
  CHECK(l.steps[3].scene.particles == defaults.particles);
  CHECK(std::get<std::string>(l.steps[3].scene.data.source) == "two_gaussians");
  CHECK(l.steps[3].scene.layers.error == defaults.layers.error);
}

TEST_CASE("a bad lesson is refused with the lesson file, the step and the key named") {
  // A patch that puts a value out of range: the scene reader's message, located.
  CHECK(message_of(lesson_with(R"([{"caption": "a"},
                                   {"caption": "b", "patch": {"layers": {"score": {"grid": 0}}}}])"))
            .starts_with("x.json: step 2: layers.score.grid"));
  // An unknown key in a patch, and in a step.
  CHECK(message_of(lesson_with(R"([{"caption": "a", "patch": {"colour": 1}}])")) ==
        "x.json: step 1: unknown key colour (allowed here: compare_sampler, data, layers, model, "
        "noise, particles, sampler, seed, train, ui, version, view)");
  CHECK(message_of(lesson_with(R"([{"caption": "a", "pach": {}}])"))
            .starts_with("x.json: step 1: unknown key pach"));
  // A patch that is not an object, a missing caption, a prompt that is not a string.
  CHECK(message_of(lesson_with(R"([{"caption": "a", "patch": [1]}])")) ==
        "x.json: step 1: patch must be an object (a JSON merge patch of the scene), got an array");
  CHECK(message_of(lesson_with(R"([{"try": ["x"]}])")) ==
        "x.json: step 1: caption is required (a string)");
  CHECK(message_of(lesson_with(R"([{"caption": "a", "try": ["x", 2]}])")) ==
        "x.json: step 1: try[1] must be a string, got a number");
  // The lesson's own keys.
  CHECK(message_of(R"({"base": {}, "steps": [{"caption": "a"}]})") ==
        "x.json: title is required (a string)");
  CHECK(message_of(R"({"title": "t", "steps": [{"caption": "a"}]})").starts_with(
      "x.json: base is required"));
  CHECK(message_of(R"({"title": "t", "base": {}, "steps": []})") ==
        "x.json: steps must have 1 to 32 steps, it has 0");
  CHECK(message_of(R"({"title": "t", "base": {"seed": -1}, "steps": [{"caption": "a"}]})")
            .starts_with("x.json: base: seed"));
  CHECK(message_of(R"([1])") == "x.json: a lesson must be an object (title, base, steps), got an array");
  CHECK(message_of(R"({"title": "t", "base": {}, "steps": [{"caption": "a"}], "extra": 1})")
            .starts_with("x.json: unknown key extra"));
  // Size limits of the scene reader hold for lessons too (nesting deeper than 32).
  CHECK(message_of(std::string(40, '[') + std::string(40, ']')).starts_with("x.json"));
}

TEST_CASE("a lesson's base may name a scene file, relative to the lesson's folder") {
  const fs::path dir = fs::temp_directory_path() / ("scorelab_lesson_test_" + std::to_string(getpid()));
  fs::create_directories(dir / "lessons");
  fs::create_directories(dir / "scenes");
  std::ofstream(dir / "scenes" / "s.json") << R"({"particles": 321, "data": {"dataset": "moons"}})";
  std::ofstream(dir / "lessons" / "01_a.json")
      << R"({"title": "A", "base": "../scenes/s.json",
             "steps": [{"caption": "c", "patch": {"seed": 5}}]})";
  std::ofstream(dir / "lessons" / "02_b.json")
      << R"({"title": "B", "base": "../scenes/missing.json", "steps": [{"caption": "c"}]})";
  const Lesson a = load_lesson((dir / "lessons" / "01_a.json").string());
  CHECK(a.title == "A");
  CHECK(a.steps[0].scene.particles == 321);
  CHECK(a.steps[0].scene.seed == 5);
  CHECK(a.steps[0].scene.ui.presenter);
  // A missing base names the lesson and the scene file it looked for.
  const std::string b = (dir / "lessons" / "02_b.json").string();
  std::string message;
  try {
    (void)load_lesson(b);
  } catch (const InputError& e) {
    message = e.what();
  }
  CHECK(message.starts_with(b + ": base: cannot read scene file"));
  CHECK(message.find("missing.json") != std::string::npos);
  // The listing: *.json files, sorted.
  const std::vector<std::string> files = lesson_files((dir / "lessons").string());
  REQUIRE(files.size() == 2);
  CHECK(files[0].ends_with("01_a.json"));
  CHECK(lesson_files((dir / "nothing").string()).empty());
  fs::remove_all(dir);
}
