// Lessons: a guided sequence of scenes with a caption each, shipped as JSON in assets/lessons/.
//
// A lesson file (strict JSON, the same size and depth limits as a scene file):
// {
//   "title": "The score function",            a string, required
//   "base": { ...a whole scene... }            required: a scene object, or a string naming a
//        or "../scenes/default.json",          scene file relative to the lesson file's folder
//   "steps": [                                 1 to kMaxLessonSteps steps, in order
//     {"caption": "∇ₓ log p(x) points uphill", a string, required: the idea of the step, its key
//                                              formula in Unicode (never LaTeX source)
//      "try": ["drag a centre", ...],          optional "try this" prompts, at most
//                                              kMaxLessonPrompts strings
//      "patch": {"layers": {"error": null}},   optional JSON merge patch (RFC 7386) of the scene
//      "claims": [...],                        optional: the numbers the caption states about the
//                                              run, checked (core/lesson/claims.h)
//      "claims_train_steps": N}                with claims of a learned run: the training steps
//                                              the claims are of, 1 to kMaxClaimTrainSteps
//   ]
// }
// Step k's scene is the base, with ui.presenter set (lessons open in presenter mode), and the
// patches of steps 1..k applied in order, then read by the scene reader (parse_scene): a key,
// type or range a scene file may not have, a step may not have either. A merge patch replaces
// what it names, recurses into objects and deletes a key whose value is null (the key then takes
// its default). Every step is read when the lesson is, so a lesson that loads shows every step.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/lesson/claims.h"
#include "core/scene/scene.h"

namespace scorelab {

inline constexpr int kMaxLessonSteps = 32;    // a lesson is a few ideas, not a course
inline constexpr int kMaxLessonPrompts = 8;   // "try this" prompts per step
inline constexpr long kMaxClaimTrainSteps = 20000;  // a claim's training stays a test, not a job

struct LessonStep {
  std::string caption;               // UTF-8
  std::vector<std::string> prompts;  // "try this", UTF-8
  Scene scene;                       // base + patches 1..k, as the scene reader read it
  std::vector<Claim> claims;         // what the caption states about the run (claims.h)
  // > 0: the claims are of particles on the learned score of a model trained this many steps
  // ("claims_train_steps"; claims.h), else of particles on the exact score.
  long claims_train_steps = 0;
};

struct Lesson {
  std::string title;
  std::vector<LessonStep> steps;  // at least one
};

// Reads lesson text. `name` (the file) leads every message, e.g.
// "02_langevin.json: step 3: sampler.step_size must be ...". A string "base" is resolved against
// `base_dir` (the lesson file's folder). Throws InputError.
Lesson parse_lesson_text(std::string_view text, const std::string& name,
                         const std::string& base_dir);
// Reads and parses a lesson file (read_input_file: no directories, devices, or oversized files).
Lesson load_lesson(const std::string& path);

// The *.json files of `dir`, sorted by name (the lessons' order: 01_..., 02_...). An absent or
// unreadable folder gives an empty list.
std::vector<std::string> lesson_files(const std::string& dir);

}  // namespace scorelab
