// The training scrubber's widgets (see scrub_control.h).
#include "app/ui/scrub_control.h"

#include <cstdio>

#include "app/widgets/widgets.h"

namespace scorelab::ui {

bool scrub_control(const app::AppContext& ctx, Scene& s) {
  const TrainerSnapshot* snap = ctx.training();
  if (!snap) return false;
  const TrainingHistory& h = snap->snapshots;
  const double mib = 1.0 / double(1 << 20);
  if (!h.enabled()) {
    ImGui::TextWrapped(
        "Training history off: one snapshot of this network is %.1f MiB, and two "
        "do not fit in its %.0f MiB cap.",
        double(h.bytes_per_snapshot()) * mib, double(h.config().cap_bytes) * mib);
    return false;
  }
  if (h.empty()) return false;
  const auto& snaps = h.snapshots();
  // The slider walks the snapshots (uniformly spaced); live shows the newest one's position.
  int index = int(snaps.size()) - 1;
  if (s.ui.scrub_step >= 0) {
    const long shown = h.nearest(s.ui.scrub_step)->step;
    index = int((shown - h.first_step()) / h.interval());
  }
  char label[64];
  std::snprintf(label, sizeof label, "step %s",
                app::grouped(snaps[std::size_t(index)]->step).c_str());
  ImGui::TextUnformatted("Training history");
  bool changed = ImGui::SliderInt("##training history", &index, 0, int(snaps.size()) - 1, label);
  report_item("training history");
  if (changed) s.ui.scrub_step = int(snaps[std::size_t(index)]->step);
  ImGui::SameLine();
  const bool live = s.ui.scrub_step < 0;
  ImGui::BeginDisabled(live);
  if (button("live")) {
    s.ui.scrub_step = -1;
    changed = true;
  }
  ImGui::EndDisabled();
  ImGui::PushTextWrapPos(0.0f);  // wrapped at the panel's edge
  ImGui::TextDisabled("%s: %zu snapshots every %s steps, %.1f of %.0f MiB",
                      live ? "live" : app::scrub_label(ctx.shown()).c_str(), snaps.size(),
                      app::grouped(h.interval()).c_str(), double(h.bytes()) * mib,
                      double(h.config().cap_bytes) * mib);
  ImGui::PopTextWrapPos();
  return changed;
}

}  // namespace scorelab::ui
