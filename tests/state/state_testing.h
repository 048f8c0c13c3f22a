// Shared set-up of the display-free window-state tests.
#pragma once
#include "app/state/app_context.h"

namespace state_testing {

// Scripted mode with no training steps per frame: the trainer never runs on its own, so nothing
// changes behind a test's back.
inline scorelab::app::RunMode scripted() {
  scorelab::app::RunMode m;
  m.scripted = true;
  m.train_steps_per_frame = 0;
  return m;
}

}  // namespace state_testing
