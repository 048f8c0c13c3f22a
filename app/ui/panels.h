// The side panel (Lessons, Data, Noise, Model & training, Sampler, Layers, View & scene), the status bar
// and the help overlay. Panels edit a copy of the Scene and post Commands; the window submits both
// to AppContext once per frame, which validates first (a bad value is reported, not applied).
#pragma once
#include <string>

#include <vector>

#include "app/layers/layer_table.h"
#include "app/state/app_context.h"
#include "app/ui/export_panel.h"
#include "app/ui/session_menu.h"
#include "app/ui/lesson_panel.h"
#include "app/view/camera.h"

namespace scorelab::ui {

// State of the panels that is not a setting (not saved in the scene): text fields, modes.
struct PanelState {
  bool brush = false;          // left-drag in the plot adds points instead of panning
  double brush_radius = 0.3;   // data units
  bool brush_new_set = false;  // the next stroke starts a new drawing (after Clear)
  int dragging_component = -1;  // mixture component being dragged in the view, or −1
  bool observe_click = false;   // a click in the plot sets the sampler's observation
  ExportPanel exporter;         // the Export section's form and running job
  SessionUi session;            // the File menu: current file, recent files, dialogs
  LessonUi lessons;             // the open lesson and the Lessons menu
};

// What the UI posts in one frame besides its scene edit (app/state/commands.h).
using Commands = std::vector<app::Command>;

// Draws the side panel at the left edge, `width` window pixels wide, from `top` (below the menu
// bar) down to `bottom`. Edits go into `edit`, buttons post `commands`; returns true when `edit`
// changed.
bool side_panel(app::AppContext& ctx, const layers::LayerTable& table, PanelState& state,
                Scene& edit, Commands& commands, float width, float bottom, float top = 0);

// The status bar along the bottom edge (height: one line of text plus padding).
void status_bar(const app::AppContext& ctx, float frame_ms, float y, float width);
float status_bar_height();

// The overlay listing every shortcut (H), from the key bindings and the layer table.
void help_overlay(const layers::LayerTable& table, bool* open);

}  // namespace scorelab::ui
