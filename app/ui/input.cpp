// Keyboard shortcuts and plot mouse interaction (see input.h). ImGui 1.86 indexes keys by the
// GLFW key codes.
#include "app/ui/input.h"

#define GLFW_INCLUDE_NONE  // glad provides the GL declarations
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cmath>

#include "app/state/observation.h"
#include "core/common/rng.h"
#include "core/distributions/datasets.h"
#include "core/scene/exact_score.h"

namespace scorelab::ui {

static_assert(GLFW_KEY_SPACE == ' ' && GLFW_KEY_S == 'S' && GLFW_KEY_TAB == app::kGlfwKeyTab &&
                  GLFW_KEY_RIGHT == app::kGlfwKeyRight && GLFW_KEY_LEFT == app::kGlfwKeyLeft &&
                  GLFW_KEY_PAGE_UP == app::kGlfwKeyPageUp &&
                  GLFW_KEY_PAGE_DOWN == app::kGlfwKeyPageDown,
              "app::kKeyBindings writes GLFW key codes as characters and constants");

bool handle_keyboard(const app::AppContext& ctx, const layers::LayerTable& table, Scene& edit,
                     Commands& commands, const view::PixelRect& plot, bool* quit) {
  if (ImGui::GetIO().WantCaptureKeyboard) return false;
  const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
  // The same Commands the panel's buttons post.
  const bool ctrl = ImGui::GetIO().KeyCtrl;
  for (const app::KeyBinding& b : app::kKeyBindings)
    if (pressed(b.glfw_key) && b.ctrl == ctrl) commands.push_back(b.command);
  if (ctrl) return false;  // Ctrl+letter is never a plain key (Ctrl+S saves, it does not step)
  if (pressed(GLFW_KEY_ESCAPE)) *quit = true;
  bool changed = false;
  if (pressed(GLFW_KEY_F)) {
    view::fit(edit.view, plot, ctx.data_points());
    changed = true;
  }
  // Digit keys toggle the layer that carries them.
  for (const auto& layer : table.all()) {
    if (layer->key() < 0 || !pressed(GLFW_KEY_0 + layer->key())) continue;
    layer->set_on(edit.layers, !layer->on(edit.layers));
    changed = true;
  }
  return changed;
}

bool handle_mouse(PanelState& st, Scene& edit, const view::PanelLayout& shown) {
  const std::array<view::PixelRect, kMaxPanels>& panels = shown.rects;
  const int panel_count = shown.count;
  const ImGuiIO& io = ImGui::GetIO();
  if (!ImGui::IsMousePosValid()) return false;
  int over = -1;
  for (int p = 0; p < panel_count; ++p)
    if (panels[p].contains(io.MousePos.x, io.MousePos.y)) over = p;
  const bool mouse_free = !io.WantCaptureMouse;
  bool changed = false;

  // Zoom about the cursor: 10% per wheel notch.
  if (over >= 0 && mouse_free && io.MouseWheel != 0) {
    view::zoom(edit.view, panels[over], std::pow(1.1, double(io.MouseWheel)), io.MousePos.x,
               io.MousePos.y);
    changed = true;
  }

  // A press chooses what the drag does: move a mixture centre, paint, or pan.
  // Observation mode: a click sets the sampler's condition (app/state/observation.h) and does
  // nothing else; submit validates it like any edit.
  if (st.observe_click && over >= 0 && mouse_free && ImGui::IsMouseClicked(0)) {
    const Eigen::Vector2d w =
        view::to_world(shown.worlds[over], panels[over], io.MousePos.x, io.MousePos.y);
    return app::set_observation_at(edit, w.x(), w.y());
  }
  if (st.observe_click) return changed;
  if (over >= 0 && mouse_free && ImGui::IsMouseClicked(0)) {
    st.dragging_component = -1;
    if (const auto comps = mixture_components(edit.data); comps && !st.brush) {
      for (std::size_t k = 0; k < comps->size(); ++k) {
        const Eigen::Vector2f p = view::to_pixels(shown.worlds[over], panels[over],
                                                  (*comps)[k].mean.x(), (*comps)[k].mean.y());
        if ((p - Eigen::Vector2f(io.MousePos.x, io.MousePos.y)).norm() < 9)
          st.dragging_component = int(k);
      }
      // A named mixture becomes a custom one the moment a centre is grabbed.
      if (st.dragging_component >= 0 && !std::holds_alternative<MixtureComponents>(edit.data.source)) {
        edit.data.source = *comps;
        changed = true;
      }
    }
  }
  if (over >= 0 && ImGui::IsMouseDown(0) && mouse_free) {
    const ImVec2 d = io.MouseDelta;
    if (st.dragging_component >= 0) {
      auto* comps = std::get_if<MixtureComponents>(&edit.data.source);
      if (comps && st.dragging_component < int(comps->size()) && (d.x != 0 || d.y != 0)) {
        (*comps)[st.dragging_component].mean =
            view::to_world(shown.worlds[over], panels[over], io.MousePos.x, io.MousePos.y);
        changed = true;
      }
    } else if (st.brush) {
      // Paint: a few points per frame, uniform in the brush disc, seeded by the frame count.
      PointSet set;
      if (const auto* existing = std::get_if<PointSet>(&edit.data.source);
          existing && !st.brush_new_set)
        set = *existing;
      st.brush_new_set = false;
      const Eigen::Vector2d c =
          view::to_world(shown.worlds[over], panels[over], io.MousePos.x, io.MousePos.y);
      Rng rng(static_cast<std::uint64_t>(ImGui::GetFrameCount()));
      for (int i = 0; i < 6 && set.points.size() < std::size_t(kMaxDataPoints); ++i) {
        const double r = st.brush_radius * std::sqrt(rng.uniform()), a = 2 * M_PI * rng.uniform();
        set.points.emplace_back(c.x() + r * std::cos(a), c.y() + r * std::sin(a));
      }
      edit.data.source = std::move(set);
      changed = true;
    } else if (d.x != 0 || d.y != 0) {
      view::pan(edit.view, panels[over], d.x, d.y);
      changed = true;
    }
  }
  if (ImGui::IsMouseReleased(0)) st.dragging_component = -1;
  return changed;
}

}  // namespace scorelab::ui
