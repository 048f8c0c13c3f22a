// Text and marks over a plot panel, drawn with ImGui's background draw list (so panels stay on
// top): tick labels, the colour legends, mixture centres, the brush cursor, the panel's caption.
#pragma once
#include "app/state/app_context.h"
#include "app/ui/panels.h"
#include "app/view/camera.h"

namespace scorelab::ui {

void plot_overlay(const app::AppContext& ctx, const PanelState& st, int panel,
                  const view::PixelRect& rect);

}  // namespace scorelab::ui
