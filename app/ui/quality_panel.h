// The quality readout of the Model & training section: the meter's newest reading of the learned
// model (app/state/quality_meter.h) as a score-error-by-σ̂ chart, the energy test of its samples
// and its mode weights against the true weights.
#pragma once
#include <vector>

#include "app/state/app_context.h"
#include "app/state/quality_meter.h"

namespace scorelab::ui {

// Draws the context's quality reading (AppContext::quality) or why there is none, and posts
// Command::ShowQuality so the measurement goes on while the readout shows (the context measures:
// interactive on wall time, scripted at 60 frames a second, waiting for the result).
void quality_readout(const app::AppContext& ctx, std::vector<app::Command>& commands);

}  // namespace scorelab::ui
