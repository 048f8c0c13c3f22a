// Limits by cost: what a scene asks of this machine (memory, and time at an assumed speed),
// estimated from its settings before any work, and refused with the estimate and the limit when
// it exceeds the budget. Ranges alone do not do it: width 4096, depth 64 and batch 65,536 are each
// in range, together they ask for 30 GB.
//
// The estimates are simple (counts of floats and of operations, at rates of one core measured on
// the reference machine, limits.cpp) and aim to be within 2× of the truth there; they tell
// "seconds" from "hours" and "megabytes" from "tens of gigabytes".
#pragma once
#include <string>
#include <vector>

#include "core/likelihood/likelihood.h"
#include "core/scene/scene.h"

namespace scorelab {

// What a run may use. The defaults fit an 8 GB laptop with a desktop running beside scorelab.
struct CostBudget {
  double memory_bytes = 4e9;  // all buffers of the run together (4 GB)
  double step_seconds = 5;    // one training step, one sampler step over all particles, one
                              // window frame's fields (the window runs these between frames),
                              // or one point of a likelihood
  double run_seconds = 4 * 3600.0;  // a whole command-line run (train --steps N, sample, export)
  // How a refusal names the per-step limit (the window's is lower: it recomputes while you drag).
  std::string step_limit_name = "the limit";
  bool step_seconds_from_environment = false;  // SCORELAB_STEP_BUDGET set step_seconds
};

// The defaults, overridden by SCORELAB_MEMORY_BUDGET (bytes, with an optional K, M, G or T
// suffix: "16G"), SCORELAB_TIME_BUDGET (seconds of a whole run: "36000") and
// SCORELAB_STEP_BUDGET (seconds of one step, the window's too: "30"). A malformed value throws
// InputError naming the variable.
CostBudget budget_from_environment();

// What is asked of a scene.
struct CostUse {
  long train_steps = 0;  // > 0: a command-line training run of this many steps
  bool train = false;    // the trainer runs (command line or window)
  bool sample = false;   // the sampler runs over scene.particles
  bool learned = false;  // the sampler (and fields) use the learned score, not the exact one
  bool window = false;   // the window's fields and trails are drawn every frame
};

// One part of the work, e.g. "training (model of 1073741824 parameters, batch 65536)".
struct CostItem {
  std::string what;
  std::string fix;          // the scene keys that lower it, for the refusal ("lower particles")
  double bytes = 0;         // memory it holds
  double step_seconds = 0;  // one step (training step, sampler step, window frame)
  double steps = 0;         // steps of a whole run (0: runs until stopped, the window)
  std::string step_name = "step";  // what one step is, in messages ("step", "point")
};

struct SceneCost {
  std::vector<CostItem> items;
  double bytes() const;        // all items' memory together
  double run_seconds() const;  // the longest item's whole run (the items run side by side)
};

SceneCost estimate_cost(const Scene& scene, const CostUse& use);

// The log-density of `points` points through the probability-flow ODE with options `o` (the
// `likelihood` command, the window's model-density map), with the learned score or the scene's
// exact one: one item whose steps are the points and whose time is wall time on o's threads.
// RK45's steps are a model (counts measured at rtol 1e-5, scaled as rtol^-0.17; an empirical
// mixture's flow is stiff, about 140 times a mixture's); fixed-step methods are exact counts.
// `points_text` names the points in messages (default: "<points> points").
CostItem likelihood_cost(const Scene& scene, const LikelihoodOptions& o, double points,
                         bool learned, const std::string& points_text = "");
// Throws InputError, as check_cost does, when `item` exceeds the budget.
void check_item_cost(const CostItem& item, const CostBudget& budget);

// Throws InputError when the scene's cost exceeds the budget: memory of all items together, one
// step of any item, or a whole run of any item. The message names the part, the estimate, the
// limit and the variable that raises it, e.g. "training (model of 1074266112 parameters, batch
// 65536) needs about 29.6 GB of memory, more than the budget of 4 GB (SCORELAB_MEMORY_BUDGET)".
SceneCost check_cost(const Scene& scene, const CostUse& use, const CostBudget& budget);  // the estimate

// The window's check before it applies an edited or loaded scene: everything the window holds and
// runs for it (the model and its trainer, the particles on the score they follow, the fields and
// trails of every frame, the model-density map when it is on) against budget_from_environment(),
// with at most 1 s per frame or step unless SCORELAB_STEP_BUDGET says otherwise.
// Throws InputError naming what is too big; the window then keeps its previous scene and shows
// the message.
void check_window_cost(const Scene& scene);

// "512 MB", "29.6 GB"; "0.4 s", "3.2 hours", for the messages above.
std::string bytes_text(double bytes);
std::string seconds_text(double seconds);

}  // namespace scorelab
