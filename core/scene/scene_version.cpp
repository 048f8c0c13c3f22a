#include "core/scene/scene_version.h"

#include <string>

#include "core/common/error.h"
#include "core/scene/json_reader.h"
#include "core/train/training_session.h"

namespace scorelab {

using nlohmann::json;

int scene_version(const json& scene) {
  if (!scene.is_object() || !scene.contains("version")) return kSceneVersion;
  const json& v = scene["version"];
  if (!v.is_number_integer())
    throw InputError("version: expected a whole number (the scene format version), got " +
                     json_excerpt(v));
  const long long n = v.get<long long>();
  if (n > kSceneVersion)
    throw InputError("version: the file is scene format version " + std::to_string(n) +
                     ", newer than this build of scorelab reads (" +
                     std::to_string(kSceneVersion) + "); open it with a newer scorelab");
  if (n < 1) throw InputError("version: must be at least 1, got " + std::to_string(n));
  return int(n);
}

namespace {

// Writes `value` at `key` of `object` unless the file set it.
void keep_if_absent(json& object, const char* key, const json& value) {
  if (!object.contains(key)) object[key] = value;
}

// The block `key` of `object`, made an empty object when the file left it out.
json& block(json& object, const char* key) {
  if (!object.contains(key)) object[key] = json::object();
  return object[key];
}

// 1 → 2: the recipe defaults of version 1 written into the model and train blocks.
void migrate_1_to_2(json& scene) {
  SdeKind kind = SdeKind::VE;
  if (scene.contains("noise") && scene["noise"].is_object() && scene["noise"].contains("sde") &&
      scene["noise"]["sde"].is_object() && scene["noise"]["sde"].contains("kind") &&
      scene["noise"]["sde"]["kind"].is_string()) {
    // An unknown kind is left for the strict reader to report; VE's recipe is written meanwhile.
    const std::string key = scene["noise"]["sde"]["kind"].get<std::string>();
    for (const EnumName<SdeKind>& n : EnumTable<SdeKind>::names)
      if (n.key == key) kind = n.value;
  }
  const MlpConfig before = previous_model_for(kind);
  json& model = block(scene, "model");
  if (!model.is_object()) return;  // a non-object is the reader's to refuse
  keep_if_absent(model, "output", std::string(to_string(before.output)));
  json& embedding = block(model, "embedding");
  if (embedding.is_object()) {
    keep_if_absent(embedding, "kind", std::string(to_string(before.embedding.kind)));
    keep_if_absent(embedding, "fourier_scale", before.embedding.fourier_scale);
  }
  const ObjectiveConfig objective = previous_objective();
  json& train = block(scene, "train");
  if (!train.is_object()) return;
  keep_if_absent(train, "level_distribution", std::string(to_string(objective.distribution)));
  keep_if_absent(train, "weighting", std::string(to_string(objective.weighting)));
}

}  // namespace

json migrate_scene(json scene) {
  if (!scene.is_object()) return scene;  // the strict reader names what is wrong
  const int from = scene_version(scene);
  if (from < 2) migrate_1_to_2(scene);
  scene["version"] = kSceneVersion;
  return scene;
}

}  // namespace scorelab
