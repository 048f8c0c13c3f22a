// SceneDiff: what an edit of the Scene invalidates, found field by field (each config struct has a
// defaulted operator==; nothing is serialised), so the window rebuilds exactly that and nothing
// else. One edit of a 20,000-point drawn set costs a comparison of its points, not a JSON dump.
#pragma once
#include "core/scene/scene.h"

namespace scorelab {

struct SceneDiff {
  // Rebuilds of computed state.
  bool data = false;           // data source, draw size or seed: new points and a new exact score
  bool train_restart = false;  // architecture, optimiser (but lr), EMA or train seed: fresh weights
  bool learning_rate = false;  // train.adam.lr, changed in place
  bool batch = false;          // train.batch, changed in place
  bool objective = false;      // train.objective or the noise block: the trainer's objective, in place
  bool sampler = false;        // the particles restart (sampler, count, noise, data, seed or ui.run)
  bool fields = false;         // some field layer's input (data, noise, panels' levels, layers)
  // Settings read every frame (nothing to rebuild, listed so callers can react).
  bool view = false;      // camera or panels
  // The panels' number or processes (view.split, view.multiples): every panel's level is derived
  // again and the shared colour scale takes in each panel's process.
  bool panels = false;
  bool layers = false;    // what is drawn
  bool training_on = false, playing = false;  // ui.training, ui.playing

  bool any() const {
    return data || train_restart || learning_rate || batch || objective || sampler || fields ||
           view || panels || layers || training_on || playing;
  }
};

// What changes from `before` to `after`.
SceneDiff diff(const Scene& before, const Scene& after);

}  // namespace scorelab
