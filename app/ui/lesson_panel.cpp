// The Lessons section and the lesson text strip (see lesson_panel.h).
#include "app/ui/lesson_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <filesystem>

#include "app/widgets/item_report.h"
#include "core/common/error.h"
#include "core/scene/limits.h"

namespace scorelab::ui {

namespace {

// Type sizes of the strip, relative to the UI's font size: a title, a caption and the prompts a
// room can read on a projector (at UI scale 1 with the 13-pixel default font: 26, 22, 18 pixels).
// Presenter mode's font is already lecture size (a 30th of the window's height), so there the
// strip uses it nearly as it is.
struct StripScales {
  float title, caption, prompt;
};
constexpr StripScales kNormal{2.0f, 1.7f, 1.4f}, kPresenter{1.2f, 1.0f, 0.9f};
constexpr float kMaxHeightFraction = 0.35f;  // of the window: the plot keeps the rest (longer text scrolls)

const ImVec4 kTitleColor(1.0f, 0.82f, 0.45f, 1), kPromptColor(0.6f, 0.85f, 1.0f, 1),
    kStepColor(0.75f, 0.75f, 0.75f, 1);

std::string step_text(const app::LessonPlayer& p) {
  return "step " + std::to_string(p.step() + 1) + " of " + std::to_string(p.lesson().steps.size());
}

std::string prompt_text(const std::string& prompt) { return "Try: " + prompt; }

// `text` at `scale` × the UI font size as lines of at most `wrap` pixels, broken only at spaces
// (ImGui's own wrap also breaks after '.', splitting numbers like "0.01").
std::vector<std::string> wrapped(float scale, float wrap, const std::string& text) {
  ImFont* font = ImGui::GetFont();
  const float size = font->FontSize * ImGui::GetIO().FontGlobalScale * scale;
  const auto width = [&](const std::string& t) {
    return font->CalcTextSizeA(size, FLT_MAX, 0, t.c_str()).x;
  };
  std::vector<std::string> lines{""};
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t space = std::min(text.find(' ', from), text.size());
    const std::string word = text.substr(from, space - from);
    const std::string joined = lines.back().empty() ? word : lines.back() + " " + word;
    if (!lines.back().empty() && width(joined) > wrap)
      lines.push_back(word);
    else
      lines.back() = joined;
    from = space + 1;
  }
  return lines;
}

float text_height(float scale, float wrap, const std::string& text) {
  const float line = ImGui::GetFont()->FontSize * ImGui::GetIO().FontGlobalScale * scale;
  return float(wrapped(scale, wrap, text).size()) * (line + ImGui::GetStyle().ItemSpacing.y);
}

// Each line is reported (the UI report), so a layout test sees a line the strip cuts off.
void text_lines(float scale, float wrap, const std::string& text) {
  for (const std::string& line : wrapped(scale, wrap, text)) {
    ImGui::TextUnformatted(line.c_str());
    report_item(line.c_str());
  }
}

}  // namespace

void lessons_section(LessonUi& ui, std::vector<app::Command>& commands) {
  if (!ui.scanned) {
    ui.catalogue = app::read_lesson_catalogue(ui.dir);
    ui.scanned = true;
  }
  if (ui.catalogue.empty())
    ImGui::TextDisabled("no lessons found (assets/lessons next to the program)");
  for (const app::LessonEntry& e : ui.catalogue) {
    const bool current = ui.player.is_open() && ui.player.path() == e.path;
    if (!e.error.empty()) {
      const std::string file = std::filesystem::path(e.path).filename().string();
      ImGui::TextColored(ImVec4(1, 0.4f, 0.35f, 1), "%s (does not load)", file.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.error.c_str());
      continue;
    }
    if (ImGui::Selectable(e.title.c_str(), current)) ui.open_request = e.path;
  }
  if (!ui.player.is_open()) return;
  if (ImGui::Button("< previous")) commands.push_back(app::Command::PreviousStep);
  ImGui::SameLine();
  if (ImGui::Button("next >")) commands.push_back(app::Command::NextStep);
  ImGui::SameLine();
  ImGui::Text("%s", step_text(ui.player).c_str());
  if (ImGui::Button("close lesson")) ui.player.close();
}

void lesson_edits(app::AppContext& ctx, LessonUi& ui, const std::vector<app::Command>& commands,
                  Scene& edit) {
  if (!ui.open_request.empty()) {
    const std::string path = std::move(ui.open_request);
    ui.open_request.clear();
    try {
      Lesson lesson = load_lesson(path);
      check_window_cost(lesson.steps.front().scene);
      edit = ui.player.open(std::move(lesson), path);
      ctx.report(app::StatusMessage::Kind::Info, "lesson: " + ui.player.lesson().title);
    } catch (const InputError& e) {
      ctx.report(app::StatusMessage::Kind::Error, e.what());  // the session stays as it was
    }
    return;
  }
  ui.player.navigate(commands, ctx.scene(), edit);
}

// A checked claim as the strip shows it: what the caption states, and what this run measured.
std::string claim_line(const ClaimCheck& c) {
  if (c.pending) return "claim: " + c.stated + " · " + c.measured;
  return "claim: " + c.stated + " · measured " + c.measured + (c.holds ? "" : " · DOES NOT HOLD");
}

float lesson_panel_height(const LessonUi& ui, float width, float height, bool presenter,
                          const std::vector<ClaimCheck>* claims) {
  if (!ui.player.is_open()) return 0;
  const StripScales k = presenter ? kPresenter : kNormal;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float base = ImGui::GetFont()->FontSize * ImGui::GetIO().FontGlobalScale;
  const float wrap = std::max(width - 2 * style.WindowPadding.x - style.ScrollbarSize, 1.0f);
  const LessonStep& step = ui.player.lesson().steps[std::size_t(ui.player.step())];
  float h = 2 * style.WindowPadding.y +
            std::max(k.title * base, k.prompt * base + 2 * style.FramePadding.y) +
            style.ItemSpacing.y + text_height(k.caption, wrap, step.caption);
  for (const std::string& p : step.prompts) h += text_height(k.prompt, wrap, prompt_text(p));
  if (claims)
    for (const ClaimCheck& c : *claims) h += text_height(k.prompt, wrap, claim_line(c));
  return std::min(h + style.ItemSpacing.y, kMaxHeightFraction * height);
}

void lesson_panel(LessonUi& ui, std::vector<app::Command>& commands, float x, float y, float w,
                  float h, bool presenter, const std::vector<ClaimCheck>* claims) {
  if (!ui.player.is_open() || h <= 0) return;
  const StripScales k = presenter ? kPresenter : kNormal;
  const Lesson& lesson = ui.player.lesson();
  const LessonStep& step = lesson.steps[std::size_t(ui.player.step())];
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::Begin("##lesson", nullptr,
               (ImGuiWindowFlags_NoDecoration & ~ImGuiWindowFlags_NoScrollbar) |
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  // Title, then on the same line at the right: step k of n, previous, next, close.
  ImGui::SetWindowFontScale(k.title);
  ImGui::TextColored(kTitleColor, "%s", lesson.title.c_str());
  const float title_end = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  ImGui::SetWindowFontScale(k.prompt);
  const std::string counter = step_text(ui.player);
  const ImGuiStyle& style = ImGui::GetStyle();
  const auto button_w = [&](const char* label) {
    return ImGui::CalcTextSize(label).x + 2 * style.FramePadding.x + style.ItemSpacing.x;
  };
  const float right = ImGui::CalcTextSize(counter.c_str()).x + style.ItemSpacing.x +
                      button_w("<") + button_w(">") + button_w("x");
  ImGui::SameLine(
      std::max(ImGui::GetWindowContentRegionMax().x - right, title_end + style.ItemSpacing.x));
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kStepColor, "%s", counter.c_str());
  ImGui::SameLine();
  ImGui::BeginDisabled(ui.player.step() == 0);
  if (ImGui::Button("<")) commands.push_back(app::Command::PreviousStep);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("previous step (Left, Page Up)");
  ImGui::SameLine();
  ImGui::BeginDisabled(ui.player.step() + 1 == int(lesson.steps.size()));
  if (ImGui::Button(">")) commands.push_back(app::Command::NextStep);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("next step (Right, Page Down)");
  ImGui::SameLine();
  if (ImGui::Button("x")) ui.player.close();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("close the lesson (the scene stays)");
  // The idea of the step, then what to try.
  const float wrap = ImGui::GetContentRegionAvail().x;
  ImGui::SetWindowFontScale(k.caption);
  text_lines(k.caption, wrap, step.caption);
  ImGui::SetWindowFontScale(k.prompt);
  // The caption's numbers against this run: green when they hold, red when not.
  if (claims)
    for (const ClaimCheck& c : *claims) {
      ImGui::PushStyleColor(ImGuiCol_Text, c.pending ? ImVec4(0.75f, 0.75f, 0.75f, 1)
                                           : c.holds   ? ImVec4(0.55f, 0.9f, 0.55f, 1)
                                                       : ImVec4(1, 0.45f, 0.4f, 1));
      text_lines(k.prompt, wrap, claim_line(c));
      ImGui::PopStyleColor();
    }
  ImGui::PushStyleColor(ImGuiCol_Text, kPromptColor);
  for (const std::string& p : step.prompts) text_lines(k.prompt, wrap, prompt_text(p));
  ImGui::PopStyleColor();
  ImGui::SetWindowFontScale(1.0f);
  ImGui::End();
}

}  // namespace scorelab::ui
