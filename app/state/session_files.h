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

// The checkpoint file saved with `scene_path`: "dir/lesson.json" → "lesson.ckpt" (a file name in
// the same folder, as ui.model_file stores it).
std::string model_file_name(const std::string& scene_path);

// Writes `scene` to `path` (JSON, current version) and, when `model` is given, the model as a
// checkpoint beside it, with ui.model_file naming it. Both files are written under temporary
// names and renamed only when both are complete, so a failure leaves the old files as they were.
// Throws InputError naming the path.
void save_session(const std::string& path, Scene scene, const Checkpoint* model = nullptr);

// A session read from disk: the scene, and the model its ui.model_file names (null if none).
struct OpenedSession {
  Scene scene;
  std::shared_ptr<const Checkpoint> model;
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
