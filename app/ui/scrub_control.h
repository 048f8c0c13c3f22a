// The training scrubber under the training controls: a slider over the trainer's recorded weight
// snapshots (core/train/training_history.h) that sets ui.scrub_step, and a "live" button that
// clears it. Every learned field, the model density and the learned particles then show the
// chosen step (app/state/training_scrub.h) while training goes on behind.
#pragma once
#include "app/state/app_context.h"

namespace scorelab::ui {

// Draws the scrubber for the context's training; edits s.ui.scrub_step. True when it changed.
bool scrub_control(const app::AppContext& ctx, Scene& s);

}  // namespace scorelab::ui
