// Reading lesson files (see lesson.h): the lesson's own keys with the strict JsonReader, every
// step's scene through the scene reader after its merge patches.
#include "core/lesson/lesson.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/common/error.h"
#include "core/common/input_file.h"
#include "core/scene/json_reader.h"

namespace scorelab {

namespace {

using nlohmann::json;

// Runs f, prefixing the message of an InputError with `where` ("base", "step 2").
template <class F>
auto located(const std::string& where, F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw InputError(where + ": " + e.what());
  }
}

std::string required_string(JsonReader& r, const std::string& key) {
  if (!r.has(key)) throw InputError(r.path(key) + " is required (a string)");
  // Not JsonReader::string, which is for names: captions are sentences (at most 4096 bytes, the
  // parser's limit for any string).
  const json& v = r.value(key);
  if (!v.is_string()) throw InputError(r.path(key) + " must be a string, got " + json_type_name(v));
  if (v.get_ref<const std::string&>().empty())
    throw InputError(r.path(key) + " must not be empty");
  return v.get<std::string>();
}

// The base scene as written: an object, or the object of the scene file a string names.
json read_base(const json& base, const std::string& base_dir) {
  if (base.is_string()) {
    const std::filesystem::path ref = base.get<std::string>();
    const std::string path = ref.is_absolute() ? ref.string() : (base_dir / ref).string();
    const json j = parse_json_text(read_input_file(path, "scene file", JsonLimits{}.max_bytes), path);
    (void)located(path, [&] { return parse_scene(j); });
    return j;
  }
  if (!base.is_object())
    throw InputError("must be a scene object or the name of a scene file, got " +
                     json_type_name(base));
  (void)parse_scene(base);
  return base;
}

LessonStep read_step(const json& step, const json& scene_before, json& scene_after) {
  if (!step.is_object())
    throw InputError("must be an object (caption, try, patch, claims), got " + json_type_name(step));
  JsonReader r(step, "");
  LessonStep s;
  s.caption = required_string(r, "caption");
  if (r.has("try")) {
    const json& prompts = json_array(r.value("try"), "try");
    if (prompts.size() > std::size_t(kMaxLessonPrompts))
      throw InputError("try has " + std::to_string(prompts.size()) + " prompts, at most " +
                       std::to_string(kMaxLessonPrompts) + " are allowed");
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      if (!prompts[i].is_string())
        throw InputError("try[" + std::to_string(i) + "] must be a string, got " +
                         json_type_name(prompts[i]));
      s.prompts.push_back(prompts[i].get<std::string>());
    }
  }
  scene_after = scene_before;
  if (r.has("patch")) {
    const json& patch = r.value("patch");
    // A merge patch that is not an object would replace the whole scene: never what is meant.
    if (!patch.is_object())
      throw InputError("patch must be an object (a JSON merge patch of the scene), got " +
                       json_type_name(patch));
    scene_after.merge_patch(patch);
  }
  s.scene = parse_scene(scene_after);
  if (r.has("claims_train_steps")) {
    s.claims_train_steps = r.integer("claims_train_steps", 0);
    require_in_range("claims_train_steps", double(s.claims_train_steps), 1,
                     double(kMaxClaimTrainSteps));
  }
  if (r.has("claims")) s.claims = read_claims(r.value("claims"), s.scene, s.claims_train_steps);
  else if (s.claims_train_steps > 0)
    throw InputError("claims_train_steps without claims: nothing is checked after the training");
  r.finish();
  return s;
}

}  // namespace

Lesson parse_lesson_text(std::string_view text, const std::string& name,
                         const std::string& base_dir) {
  const json j = parse_json_text(text, name);
  return located(name, [&] {
    if (!j.is_object())
      throw InputError("a lesson must be an object (title, base, steps), got " +
                       json_type_name(j));
    JsonReader r(j, "");
    Lesson lesson;
    lesson.title = required_string(r, "title");
    if (!r.has("base")) throw InputError("base is required (a scene object or a scene file name)");
    json scene = located("base", [&] { return read_base(r.value("base"), base_dir); });
    // Lessons open in presenter mode; a step may still turn it off.
    scene.merge_patch(json{{"ui", {{"presenter", true}}}});
    if (!r.has("steps")) throw InputError("steps is required (an array of steps)");
    const json& steps = json_array(r.value("steps"), "steps");
    if (steps.empty() || steps.size() > std::size_t(kMaxLessonSteps))
      throw InputError("steps must have 1 to " + std::to_string(kMaxLessonSteps) +
                       " steps, it has " + std::to_string(steps.size()));
    r.finish();
    for (std::size_t k = 0; k < steps.size(); ++k) {
      json next;
      lesson.steps.push_back(located("step " + std::to_string(k + 1),
                                     [&] { return read_step(steps[k], scene, next); }));
      scene = std::move(next);
    }
    return lesson;
  });
}

Lesson load_lesson(const std::string& path) {
  const std::string text = read_input_file(path, "lesson file", JsonLimits{}.max_bytes);
  return parse_lesson_text(text, path, std::filesystem::path(path).parent_path().string());
}

std::vector<std::string> lesson_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json" && it->is_regular_file(ec))
      files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace scorelab
