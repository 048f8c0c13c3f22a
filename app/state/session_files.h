// Sessions on disk: save and open the whole window state as a scene file (every panel value,
// camera, split view, layers, seeds), optionally with the trained model beside it, and the list of
// recently used files. No GL or ImGui: the File menu (app/ui/session_menu.h) and the scripted
// --save flag call these.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/scene/checkpoint.h"
#include "core/scene/scene.h"

namespace scorelab::app {

// The checkpoint file saved with `scene_path`, a file name in the same folder as ui.model_file
// stores it. Saves alternate between two names, "dir/lesson.json" → "lesson.ckpt" and
// "lesson.ckpt2", so that a new checkpoint never replaces the one the old scene file names:
// the name returned is the first of the two unless `old_model_file` (what the scene file on disk
// names now) is that one. No other scene's checkpoint has either name (each is "<stem>.ckpt" of
// this scene's own stem, or ends in ".ckpt2", which no "<stem>.ckpt" does).
std::string model_file_name(const std::string& scene_path, const std::string& old_model_file = "");

// Writes `scene` to `path` (JSON, current version) and, when `model` is given, the model as a
// checkpoint beside it, with ui.model_file naming it. The scene file is the one commit point: the
// checkpoint is written first under the name the old scene does not use (model_file_name), then
// the scene is replaced atomically, then the old scene's checkpoint is removed (best effort). A
// failure or a crash at any point leaves the old scene with its old model or the new scene with
// its new model. Throws InputError naming the path; on failure nothing of the old pair changed.
void save_session(const std::string& path, Scene scene, const Checkpoint* model = nullptr);

// A session read from disk: the scene, and the model its ui.model_file names (null if none).
struct OpenedSession {
  Scene scene;
  std::shared_ptr<const Checkpoint> model;
  std::string warning;  // the model was trained on other data or levels (training_mismatch)
};
// Reads `path` through the strict scene reader (older versions migrated, newer refused) and its
// model file, if it names one. Throws InputError naming the file and the problem; nothing of the
// running session is touched by a failed open.
OpenedSession open_session(const std::string& path);

// Recently saved or opened files, newest first, at most kMaxRecent, kept in
// $XDG_CONFIG_HOME/scorelab/recent.json (default ~/.config). A missing or unreadable list is an
// empty one (it is a convenience, never a reason to fail).
class RecentFiles {
 public:
  static constexpr std::size_t kMaxRecent = 8;
  // `store` is the list's file; "" (no home) keeps the list in memory only.
  explicit RecentFiles(std::string store = default_store());
  const std::vector<std::string>& paths() const { return paths_; }
  // Puts `path` first and writes the list (atomically); a write failure is returned as text
  // (for the status bar), "" on success.
  std::string add(const std::string& path);
  static std::string default_store();

 private:
  std::string store_;
  std::vector<std::string> paths_;
};

}  // namespace scorelab::app
