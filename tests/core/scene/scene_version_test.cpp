// Scene format versions: what a file without "version" means, migration, refusal of newer files.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstring>

#include "core/common/error.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"
#include "core/scene/noise_fit.h"
#include "core/scene/scene.h"
#include "core/scene/scene_version.h"
#include "core/train/training_session.h"

using namespace scorelab;
using nlohmann::json;

TEST_CASE("scenes are written with the current version and read back identically") {
  Scene s = parse_scene_text(default_scene_json(), "default");
  const json j = to_json(s);
  CHECK(j.at("version") == kSceneVersion);
  CHECK(parse_scene(j) == s);
  // Save → open → save: the same text.
  const std::string once = to_json(parse_scene(j)).dump(2);
  CHECK(to_json(parse_scene(json::parse(once))).dump(2) == once);
}

TEST_CASE("a file without a version is read as the current version") {
  CHECK(scene_version(json::object()) == kSceneVersion);
  // A file's defaults are Scene{}'s, except that a file's σ_max follows its data (noise_fit.h).
  Scene defaults;
  defaults.noise.sde_sigma_max_from_data = defaults.noise.schedule_sigma_max_from_data = true;
  fit_noise_to_data(defaults);
  CHECK(parse_scene(json::object()) == defaults);
}

TEST_CASE("a version-1 file keeps the training recipe it was written with") {
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    CAPTURE(to_string(kind));
    const json file = {{"version", 1},
                       {"noise", {{"sde", {{"kind", std::string(to_string(kind))}}}}},
                       {"model", {{"width", 32}}}};
    const Scene s = parse_scene(file);
    const MlpConfig before = previous_model_for(kind);
    CHECK(s.train.model.output == before.output);
    CHECK(s.train.model.embedding.kind == before.embedding.kind);
    CHECK(s.train.model.embedding.fourier_scale == before.embedding.fourier_scale);
    CHECK(s.train.model.width == 32);  // what the file says is kept
    CHECK(s.train.objective.distribution == previous_objective().distribution);
    CHECK(s.train.objective.weighting == previous_objective().weighting);
    // The same file declaring version 2 gets today's defaults.
    json current = file;
    current["version"] = 2;
    const Scene now = parse_scene(current);
    CHECK(now.train.model.output == default_model_for(kind).output);
    CHECK(now.train.objective.distribution == ObjectiveConfig{}.distribution);
  }
  // What a version-1 file states explicitly wins over the migration.
  const Scene explicit_choice = parse_scene(json{{"version", 1},
                                                 {"model", {{"output", "preconditioned"}}},
                                                 {"train", {{"weighting", "balanced"}}}});
  CHECK(explicit_choice.train.model.output == OutputScaling::Preconditioned);
  CHECK(explicit_choice.train.objective.weighting == LossWeighting::Balanced);
  // Migrated, then written: the file is now version 2 and says the recipe in full.
  const json old = {{"version", 1}, {"seed", 3}};
  const json migrated = to_json(parse_scene(old));
  CHECK(migrated.at("version") == 2);
  CHECK(migrated.at("model").at("output") == "score_over_sigma");
  CHECK(parse_scene(migrated) == parse_scene(old));
}

TEST_CASE("a newer or malformed version is refused, naming the problem") {
  CHECK_THROWS_WITH_AS(parse_scene(json{{"version", kSceneVersion + 1}}),
                       doctest::Contains("newer than this build"), InputError);
  CHECK_THROWS_WITH_AS(parse_scene(json{{"version", kSceneVersion + 1}}),
                       doctest::Contains(std::to_string(kSceneVersion + 1).c_str()), InputError);
  CHECK_THROWS_WITH_AS(parse_scene(json{{"version", "2"}}), doctest::Contains("version"),
                       InputError);
  CHECK_THROWS_WITH_AS(parse_scene(json{{"version", 2.5}}), doctest::Contains("version"),
                       InputError);
  CHECK_THROWS_WITH_AS(parse_scene(json{{"version", 0}}), doctest::Contains("version"),
                       InputError);
  CHECK_THROWS_AS(parse_scene(json::array()), InputError);
  CHECK_THROWS_WITH_AS(parse_scene_text(R"({"version": 99})", "lesson.json"),
                       doctest::Contains("lesson.json"), InputError);
}

namespace {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The checkpoint `bytes` rewritten as format `version` with `header` (layout: core/scene/checkpoint.h).
std::string rewrite_checkpoint(const std::string& bytes, std::uint32_t version, const json& header) {
  std::uint32_t old_len = 0;
  std::memcpy(&old_len, bytes.data() + 12, 4);
  const std::string text = header.dump();
  const auto len = std::uint32_t(text.size());
  std::string out = bytes.substr(0, 8);
  out.append(reinterpret_cast<const char*>(&version), 4);
  out.append(reinterpret_cast<const char*>(&len), 4);
  out += text;
  out += bytes.substr(16 + old_len, bytes.size() - 16 - old_len - 8);
  const std::uint64_t sum = fnv1a64(out);
  out.append(reinterpret_cast<const char*>(&sum), 8);
  return out;
}

}  // namespace

TEST_CASE("a format-1 checkpoint (no scene version) is read with the recipe it was trained with") {
  Scene scene;
  scene.train = {};
  scene.train.model = previous_model_for(SdeKind::VE);
  scene.train.model.width = 16;
  scene.train.model.depth = 1;
  scene.train.objective = previous_objective();
  scene.train.batch = 16;
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  session.step();
  const std::string bytes = serialize_checkpoint(make_checkpoint(session, scene));
  // As format 1 wrote it: no "version", and none of the keys the recipe change added.
  std::uint32_t len = 0;
  std::memcpy(&len, bytes.data() + 12, 4);
  json header = json::parse(bytes.substr(16, len));
  json& old = header["scene"];
  old.erase("version");
  old["model"].erase("output");
  old["model"].erase("sigma_data");
  old["model"]["embedding"].erase("fourier_scale");
  old["train"].erase("level_distribution");
  old["train"].erase("weighting");
  const Checkpoint c = parse_checkpoint(rewrite_checkpoint(bytes, 1, header), "old.ckpt");
  CHECK(c.scene.train == scene.train);
  CHECK(c.scene.train.model.output == OutputScaling::ScoreOverSigma);
  // The same header under format 2 means today's defaults, which do not fit these weights' recipe.
  const Checkpoint now = parse_checkpoint(rewrite_checkpoint(bytes, 2, header), "new.ckpt");
  CHECK(now.scene.train.model.output == OutputScaling::Preconditioned);
}
