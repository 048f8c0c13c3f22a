// Click to set the observation: what a click at a world point does to the scene's condition
// block (core/sample/conditioning.h). No GL, no ImGui: the input code calls it on its edit copy of
// the Scene, and AppContext::submit validates the result like any edit (a value outside the world
// or NaN is refused there with core's message, and the scene stays as it was).
#pragma once
#include "core/scene/scene.h"

namespace scorelab::app {

// Sets the sampler's condition from a click at (x, y) in data units, by its kind:
//   none          becomes an observation of x₁ = x (a vertical line), noise and scale as they were;
//   observation,  observe x₁: x₁ = x (the line); x₂: x₂ = y (a horizontal line); both: the point
//   imputation    (x, y), seen with the block's noise;
//   class         the mixture component whose mean is nearest the click (unchanged without a
//                 mixture).
// Returns false, leaving `scene` untouched, for a sampler without a condition block (Langevin).
bool set_observation_at(Scene& scene, double x, double y);

}  // namespace scorelab::app
