// The training scrubber's choice of snapshot and its label (see training_scrub.h).
#include "app/state/training_scrub.h"

#include <algorithm>

namespace scorelab::app {

ShownModel shown_model(std::shared_ptr<const ModelSnapshot> live, const TrainingHistory* history,
                       int scrub_step) {
  ShownModel s;
  if (!live) return s;
  s.live_step = live->step;
  s.model = std::move(live);
  if (history && !history->empty()) {
    s.live_step = std::max(s.live_step, history->last_step());
    if (scrub_step >= 0) {
      s.model = history->nearest(scrub_step);
      s.scrubbed = true;
    }
  }
  return s;
}

std::string grouped(long n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string scrub_label(const ShownModel& shown) {
  if (!shown.scrubbed) return "";
  return "step " + grouped(shown.step()) + " of " + grouped(shown.live_step) + " (scrubbed)";
}

}  // namespace scorelab::app
