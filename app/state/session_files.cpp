#include "app/state/session_files.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/input_file.h"

namespace scorelab::app {

namespace fs = std::filesystem;

std::string model_file_name(const std::string& scene_path) {
  return fs::path(scene_path).filename().replace_extension(".ckpt").string();
}

void save_session(const std::string& path, Scene scene, const Checkpoint* model) {
  scene.ui.model_file = model ? model_file_name(path) : "";
  const std::string text = to_json(scene).dump(2) + "\n";
  if (!model) {
    write_file_atomic(path, text);
    return;
  }
  const std::string model_path = (fs::path(path).parent_path() / scene.ui.model_file).string();
  if (model_path == path)
    throw InputError(path + ": the scene file needs an extension other than .ckpt");
  // Both complete under temporary names before either replaces an old file.
  PendingFile weights(model_path, serialize_checkpoint(*model));
  PendingFile settings(path, text);
  weights.commit();
  settings.commit();
}

OpenedSession open_session(const std::string& path) {
  OpenedSession s{load_scene(path), nullptr};
  if (!s.scene.ui.model_file.empty()) {
    const std::string model_path = (fs::path(path).parent_path() / s.scene.ui.model_file).string();
    try {
      auto model = std::make_shared<const Checkpoint>(load_checkpoint(model_path));
      if (!(model->scene.train == s.scene.train))
        throw InputError("its model and train settings differ from the scene's");
      s.model = std::move(model);
    } catch (const InputError& e) {
      throw InputError(path + ": ui.model_file '" + s.scene.ui.model_file + "': " + e.what());
    }
  }
  return s;
}

// ---- recent files ---------------------------------------------------------------------------

std::string RecentFiles::default_store() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return (fs::path(xdg) / "scorelab" / "recent.json").string();
  if (const char* home = std::getenv("HOME"); home && *home)
    return (fs::path(home) / ".config" / "scorelab" / "recent.json").string();
  return "";
}

RecentFiles::RecentFiles(std::string store) : store_(std::move(store)) {
  if (store_.empty()) return;
  try {
    const nlohmann::json j =
        nlohmann::json::parse(read_input_file(store_, "recent files list", 1 << 20));
    for (const auto& p : j.at("recent"))
      if (p.is_string() && paths_.size() < kMaxRecent) paths_.push_back(p.get<std::string>());
  } catch (const std::exception&) {
    paths_.clear();  // missing or damaged: start a new list
  }
}

std::string RecentFiles::add(const std::string& path) {
  std::string absolute = path;
  std::error_code ec;
  if (const fs::path a = fs::absolute(path, ec); !ec) absolute = a.lexically_normal().string();
  std::erase(paths_, absolute);
  paths_.insert(paths_.begin(), absolute);
  if (paths_.size() > kMaxRecent) paths_.resize(kMaxRecent);
  if (store_.empty()) return "";
  try {
    fs::create_directories(fs::path(store_).parent_path(), ec);
    write_file_atomic(store_, nlohmann::json{{"recent", paths_}}.dump(2) + "\n");
  } catch (const InputError& e) {
    return std::string("recent files not saved: ") + e.what();
  }
  return "";
}

}  // namespace scorelab::app
