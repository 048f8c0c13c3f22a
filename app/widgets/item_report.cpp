// The test-only UI report (see item_report.h).
#include "app/widgets/item_report.h"

#include <imgui.h>

#include <cstring>

#include <nlohmann/json.hpp>

namespace scorelab::ui {

void report_item(const char* text) {
  auto* report = static_cast<ItemReport*>(ImGui::GetIO().UserData);
  if (!report) return;
  const char* hidden = std::strstr(text, "##");  // ImGui shows no text from "##" on
  const std::string visible = hidden ? std::string(text, hidden) : std::string(text);
  if (visible.empty()) return;  // unlabelled items have nothing to cut off
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImVec2 size = ImGui::CalcTextSize(visible.c_str());
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  report->items.push_back({visible, a.x, a.y, b.x, b.y, size.x, size.y, wp.x, wp.y,
                           wp.x + ws.x, wp.y + ws.y});
}

void report_overlay(ReportedOverlay box) {
  auto* report = static_cast<ItemReport*>(ImGui::GetIO().UserData);
  if (report) report->overlays.push_back(std::move(box));
}

std::string ItemReport::json() const {
  nlohmann::json items_json = nlohmann::json::array();
  for (const ReportedItem& i : items)
    items_json.push_back({{"text", i.text},
                          {"rect", {i.x0, i.y0, i.x1, i.y1}},
                          {"text_size", {i.text_w, i.text_h}},
                          {"window_rect", {i.wx0, i.wy0, i.wx1, i.wy1}}});
  nlohmann::json overlays_json = nlohmann::json::array();
  for (const ReportedOverlay& o : overlays)
    overlays_json.push_back({{"kind", o.kind},
                             {"panel", o.panel},
                             {"rect", {o.x0, o.y0, o.x1, o.y1}},
                             {"covered_data", o.covered_data},
                             {"covered_particles", o.covered_particles},
                             {"data", o.data},
                             {"particles", o.particles}});
  return nlohmann::json{{"display", {display_w, display_h}},
                        {"font_px", font_px},
                        {"plot", {plot[0], plot[1], plot[2], plot[3]}},
                        {"missing_glyphs", missing_glyphs},
                        {"items", items_json},
                        {"overlays", overlays_json}}
             .dump(1) +
         "\n";
}

}  // namespace scorelab::ui
