// The training scrubber's choice: which weights the learned fields, the model density and the
// learned particles show this frame — the trainer's live snapshot, or (ui.scrub_step ≥ 0) the
// recorded snapshot of its history nearest to the chosen step (core/train/training_history.h) —
// and the words that say so on every learned panel ("learned, step 1,200 of 5,000 (scrubbed)":
// a picture is a claim). No GL; the AppContext derives it once per frame.
#pragma once
#include <memory>
#include <string>

#include "core/train/trainer.h"

namespace scorelab::app {

struct ShownModel {
  std::shared_ptr<const ModelSnapshot> model;  // null before the trainer's first publication
  // From the history (ui.scrub_step ≥ 0 and a history to pick from), not the live weights.
  bool scrubbed = false;
  long live_step = -1;  // the run's newest step, −1 before the trainer's first publication
  long step() const { return model ? model->step : -1; }
};

// The snapshot shown for `scrub_step` (−1: live): `live`, the trainer's newest, or the one of
// `history` nearest the step (the trainer's own history, or one an export was given). A scrub
// with an empty history (none recorded: the network is too large for the cap) shows the live
// weights, and says so by scrubbed = false. The run's length, live_step, is the later of the live
// step and the history's last.
ShownModel shown_model(std::shared_ptr<const ModelSnapshot> live, const TrainingHistory* history,
                       int scrub_step);

// "step 1,200 of 5,000 (scrubbed)" while scrubbed, "" while live.
std::string scrub_label(const ShownModel& shown);

// n with a comma between groups of three digits: 1200 → "1,200".
std::string grouped(long n);

}  // namespace scorelab::app
