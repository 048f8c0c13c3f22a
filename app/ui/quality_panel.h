// The quality readout of the Model & training section: the meter's newest reading of the learned
// model (app/state/quality_meter.h) as a score-error-by-σ̂ chart, the energy test of its samples
// and its mode weights against the true weights.
#pragma once
#include "app/state/app_context.h"
#include "app/state/quality_meter.h"

namespace scorelab::ui {

// Feeds the meter this frame's model (interactive: wall time; scripted: 60 frames a second and
// waiting for the result, so frames are deterministic), then draws its reading or why there is
// none.
void quality_readout(const app::AppContext& ctx, app::QualityMeter& meter);

}  // namespace scorelab::ui
