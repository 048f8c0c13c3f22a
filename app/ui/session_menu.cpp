#include "app/ui/session_menu.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdio>

#include "core/common/error.h"

namespace scorelab::ui {

namespace {

using Kind = app::StatusMessage::Kind;

void remember(app::AppContext& ctx, SessionUi& st, const std::string& path) {
  st.path = path;
  std::snprintf(st.path_buffer, sizeof st.path_buffer, "%s", path.c_str());
  if (std::string problem = st.recent.add(path); !problem.empty())
    ctx.report(Kind::Warning, problem);
}

// The Open and Save-as dialogs: a path field (ImGui has no file browser), the recent files, and
// for saving the with-model switch.
void dialogs(app::AppContext& ctx, SessionUi& st) {
  if (st.open_requested) ImGui::OpenPopup("Open scene");
  if (st.save_as_requested) ImGui::OpenPopup("Save scene as");
  st.open_requested = st.save_as_requested = false;

  if (ImGui::BeginPopupModal("Open scene", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("scene file (.json)");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
    const bool enter = ImGui::InputText("##open path", st.path_buffer, sizeof st.path_buffer,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
    for (const std::string& recent : st.recent.paths())
      if (ImGui::Selectable(recent.c_str()))
        std::snprintf(st.path_buffer, sizeof st.path_buffer, "%s", recent.c_str());
    if (ImGui::Button("Open") || enter) {
      if (open_from(ctx, st, st.path_buffer)) ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
    // A refused file is named here too, so the reason is seen where the path was typed.
    if (ctx.status().kind == Kind::Error) ImGui::TextWrapped("%s", ctx.status().text.c_str());
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopupModal("Save scene as", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("scene file (.json)");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
    const bool enter = ImGui::InputText("##save path", st.path_buffer, sizeof st.path_buffer,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::Checkbox("with the trained model (a .ckpt file beside it)", &st.with_model);
    if (ImGui::Button("Save") || enter) {
      if (save_to(ctx, st, st.path_buffer, st.with_model)) ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
    if (ctx.status().kind == Kind::Error) ImGui::TextWrapped("%s", ctx.status().text.c_str());
    ImGui::EndPopup();
  }
}

}  // namespace

bool save_to(app::AppContext& ctx, SessionUi& st, const std::string& path, bool with_model) {
  try {
    std::optional<Checkpoint> model;
    if (with_model) {
      if (!ctx.training() || !ctx.training()->model)
        throw InputError("there is no trained model yet to save with the scene");
      model = checkpoint_of_snapshot(*ctx.training()->model, ctx.scene());
    }
    app::save_session(path, ctx.scene(), model ? &*model : nullptr);
    ctx.report(Kind::Info, "saved " + path +
                               (model ? " with its model (step " + std::to_string(model->step) + ")"
                                      : std::string()));
    remember(ctx, st, path);
    return true;
  } catch (const InputError& e) {
    ctx.report(Kind::Error, std::string("not saved: ") + e.what());
    return false;
  }
}

bool open_from(app::AppContext& ctx, SessionUi& st, const std::string& path) {
  try {
    app::OpenedSession opened = app::open_session(path);
    const bool with_model = opened.model != nullptr;
    if (!ctx.open(std::move(opened.scene), std::move(opened.model))) return false;
    if (!opened.warning.empty())
      ctx.report(Kind::Warning, "opened with its model, but " + opened.warning);
    else
      ctx.report(Kind::Info, "opened " + path + (with_model ? " with its model" : ""));
    remember(ctx, st, path);
    return true;
  } catch (const InputError& e) {
    ctx.report(Kind::Error, std::string("not opened: ") + e.what());
    return false;
  }
}

float session_menu(app::AppContext& ctx, SessionUi& st, std::vector<app::Command>& commands) {
  // Ctrl+O and Ctrl+S (undo and redo are in the key table, app/state/commands.h).
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && !io.WantTextInput) {
    if (ImGui::IsKeyPressed(GLFW_KEY_O, false)) st.open_requested = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_S, false)) {
      if (st.path.empty())
        st.save_as_requested = true;
      else
        save_to(ctx, st, st.path, st.with_model);
    }
  }
  float height = 0;
  if (ImGui::BeginMainMenuBar()) {
    if (ImGui::BeginMenu("File")) {
      if (ImGui::MenuItem("Open...", "Ctrl+O")) st.open_requested = true;
      if (ImGui::MenuItem("Save", "Ctrl+S")) {
        if (st.path.empty())
          st.save_as_requested = true;
        else
          save_to(ctx, st, st.path, st.with_model);
      }
      if (ImGui::MenuItem("Save as...")) st.save_as_requested = true;
      if (ImGui::BeginMenu("Open recent", !st.recent.paths().empty())) {
        for (const std::string& recent : st.recent.paths())
          if (ImGui::MenuItem(recent.c_str())) open_from(ctx, st, recent);
        ImGui::EndMenu();
      }
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Edit")) {
      const app::EditHistory& h = ctx.history();
      if (ImGui::MenuItem("Undo", "Ctrl+Z", false, h.undo_count() > 0))
        commands.push_back(app::Command::Undo);
      if (ImGui::MenuItem("Redo", "Ctrl+Y", false, h.redo_count() > 0))
        commands.push_back(app::Command::Redo);
      ImGui::EndMenu();
    }
    if (!st.path.empty()) {
      ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(st.path.c_str()).x -
                      ImGui::GetStyle().ItemSpacing.x * 2);
      ImGui::TextDisabled("%s", st.path.c_str());
    }
    height = ImGui::GetWindowHeight();
    ImGui::EndMainMenuBar();
  }
  dialogs(ctx, st);
  return height;
}

}  // namespace scorelab::ui
