// The File and Edit menus along the top edge: open, save, save as (optionally with the trained
// model), recent files, undo and redo; Ctrl+O, Ctrl+S, Ctrl+Z, Ctrl+Y. Files are read and written
// by app/state/session_files.h; undo and redo are Commands like every other key.
#pragma once
#include <string>
#include <vector>

#include "app/state/app_context.h"
#include "app/state/session_files.h"

namespace scorelab::ui {

struct SessionUi {
  std::string path;  // the file this session was opened from or last saved to ("" none)
  app::RecentFiles recent;
  char path_buffer[512] = "scene.json";  // the dialogs' text field
  bool with_model = false;               // save the trained model beside the scene
  bool open_requested = false, save_as_requested = false;
};

// Draws the menu bar and its dialogs; returns the bar's height (window pixels). Commands it posts
// (undo, redo) go to `commands`.
float session_menu(app::AppContext& ctx, SessionUi& st, std::vector<app::Command>& commands);

// Saves the current session to `path` (with the learned model when `with_model` and one exists)
// and reports the outcome in the status bar. True when written.
bool save_to(app::AppContext& ctx, SessionUi& st, const std::string& path, bool with_model);
// Opens `path` into `ctx`; a refused file leaves the session as it was. True when opened.
bool open_from(app::AppContext& ctx, SessionUi& st, const std::string& path);

}  // namespace scorelab::ui
