// The Numbers section of the side panel: the live readings of app/state/numbers.h drawn to be
// read from the back of a room (big bars, few numbers): particles per mode against the true
// weights, the marginal strip with its direction control, and the energy distance beside its
// exact-vs-exact values, all labelled with the sampler step they were measured at.
#pragma once
#include "app/state/numbers.h"
#include "core/scene/scene.h"

namespace scorelab::ui {

// Draws the readings; the direction control edits s.ui.marginal_angle. True when `s` changed.
bool numbers_section(const app::LiveNumbers& numbers, Scene& s);

}  // namespace scorelab::ui
