// Scene file versions and how an older file is brought to the current one.
//
// Every scene file the app writes (and the scene inside a checkpoint's header) carries "version".
// An older version is migrated on its JSON before the strict reader sees it, so the reader only
// ever knows the current format; a version newer than this build reads is refused, naming both.
// A file without the key is read as the current version: scenes are written by hand, and a short
// hand-written file should get today's defaults (the README asks hand-written files to state
// their version, so a later format change can migrate them).
//
// History
//   1  (files and checkpoints written before 2026-11-29, which had no "version" key) the recipe
//      defaults were score = h/σ (VE) or noise prediction (VP, sub-VP) with Fourier scale 16,
//      t ~ U(eps, 1) and λ = s².
//   2  the preconditioned recipe became the default (core/train/training_session.h
//      default_model_for). A version-1 file that left those keys out meant the recipe before, so
//      the migration writes it in: a checkpoint's weights only make sense with the recipe they
//      were trained with (core/scene/checkpoint.cpp reads a version-1 checkpoint's header scene as
//      version 1). Display defaults that changed (locked colour scale, relative error) are not
//      migrated: they were changed because the old ones misled, and they change no result.
#pragma once
#include <nlohmann/json.hpp>

namespace scorelab {

inline constexpr int kSceneVersion = 2;

// The version a scene JSON object declares (kSceneVersion without the key). InputError if the key
// is not a whole number in [1, kSceneVersion] (a newer file names both versions).
int scene_version(const nlohmann::json& scene);

// `scene` (a JSON object of version `scene_version(scene)`) rewritten as the current version,
// with "version" set to kSceneVersion.
nlohmann::json migrate_scene(nlohmann::json scene);

}  // namespace scorelab
