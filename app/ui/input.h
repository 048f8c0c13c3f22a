// Keyboard shortcuts and mouse interaction with the plot (pan, zoom, drag mixture centres,
// brush), applied to the edited scene copy or posted as Commands. Input that ImGui wants
// (a panel has the mouse or a text field has the keyboard) is left to ImGui.
#pragma once
#include <array>
#include <optional>

#include "app/state/app_context.h"
#include "app/ui/panels.h"
#include "app/view/camera.h"

namespace scorelab::ui {

// Each returns true when `edit` changed (apply it). `shown`: the visible panels, their rectangles
// and what each shows (the camera as drawn, view::shown_view): a click finds its data point there.
// Keys post Commands (the same as the panel's buttons) or edit the scene (F, digit keys).
bool handle_keyboard(const app::AppContext& ctx, const layers::LayerTable& table, Scene& edit,
                     Commands& commands, const view::PixelRect& plot, bool* quit);
bool handle_mouse(PanelState& st, Scene& edit, const view::PanelLayout& shown);

}  // namespace scorelab::ui
