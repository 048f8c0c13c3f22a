#include "app/state/session_files.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/input_file.h"

namespace scorelab::app {

namespace fs = std::filesystem;

std::string model_file_name(const std::string& scene_path, const std::string& old_model_file) {
  const std::string first = fs::path(scene_path).filename().replace_extension(".ckpt").string();
  return old_model_file == first ? first + "2" : first;
}

namespace {

// What the scene file at `path` names as its model now: "" if there is no such file, or it names
// none, or it cannot be read (then it is replaced whole, and no checkpoint of it is removed).
std::string current_model_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "";
  try {
    const nlohmann::json j = nlohmann::json::parse(read_input_file(path, "scene file", 64 << 20));
    const nlohmann::json& name = j.at("ui").at("model_file");
    return name.is_string() ? name.get<std::string>() : "";
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

void save_session(const std::string& path, Scene scene, const Checkpoint* model) {
  const fs::path dir = fs::path(path).parent_path();
  const std::string first = model_file_name(path), second = model_file_name(path, first);
  const std::string old_model = current_model_file(path);
  scene.ui.model_file = model ? model_file_name(path, old_model) : "";
  const std::string text = to_json(scene).dump(2) + "\n";
  const std::string name = fs::path(path).filename().string();
  if (model && (name == first || name == second))
    throw InputError(path + ": the scene file needs an extension other than .ckpt or .ckpt2");
  check_output(path);  // a scene that cannot be written costs no checkpoint
  const std::string model_path = (dir / scene.ui.model_file).string();
  // Under a name the old scene does not reference: the old pair stays whole until the scene
  // below replaces the old one.
  if (model) write_file_atomic(model_path, serialize_checkpoint(*model));
  try {
    write_file_atomic(path, text);  // the commit point
  } catch (...) {
    std::error_code ec;
    if (model) fs::remove(model_path, ec);  // referenced by nothing
    throw;
  }
  // Nothing references the old checkpoint now. Only this scene's own names are removed: a
  // hand-edited ui.model_file may name a file other sessions use.
  if (old_model != scene.ui.model_file && (old_model == first || old_model == second)) {
    std::error_code ec;
    fs::remove(dir / old_model, ec);
  }
}

OpenedSession open_session(const std::string& path) {
  OpenedSession s{load_scene(path), nullptr, ""};
  if (!s.scene.ui.model_file.empty()) {
    const std::string model_path = (fs::path(path).parent_path() / s.scene.ui.model_file).string();
    try {
      auto model = std::make_shared<const Checkpoint>(load_checkpoint(model_path));
      if (!(model->scene.train == s.scene.train))
        throw InputError("its model and train settings differ from the scene's");
      if (const std::string m = training_mismatch(*model, s.scene); !m.empty())
        s.warning = path + ": ui.model_file '" + s.scene.ui.model_file + "': " + m;
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
