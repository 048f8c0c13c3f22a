// The scene diff (see scene_diff.h): which blocks differ and what each one invalidates.
#include "core/scene/scene_diff.h"

namespace scorelab {

namespace {

// Training settings the trainer changes between steps (Trainer::set_learning_rate, set_batch,
// set_objective); any other difference starts a new run from fresh weights.
bool same_run(TrainSettings a, TrainSettings b) {
  a.adam.lr = b.adam.lr;
  a.batch = b.batch;
  a.objective = b.objective;
  return a == b;
}

}  // namespace

SceneDiff diff(const Scene& before, const Scene& after) {
  SceneDiff d;
  d.data = before.seed != after.seed || !(before.data == after.data);
  const bool noise = !(before.noise == after.noise);
  d.train_restart = !same_run(before.train, after.train);
  d.learning_rate = before.train.adam.lr != after.train.adam.lr;
  d.batch = before.train.batch != after.train.batch;
  d.objective = noise || !(before.train.objective == after.train.objective);
  d.sampler = d.data || noise || before.sampler != after.sampler ||
              before.compare_sampler != after.compare_sampler ||
              before.particles != after.particles || before.ui.run != after.ui.run;
  d.view = !(before.view == after.view);
  d.panels = before.view.split != after.view.split ||
             !(before.view.multiples == after.view.multiples);
  d.layers = !(before.layers == after.layers);
  const UiConfig &ub = before.ui, &ua = after.ui;
  d.fields = d.data || noise || d.view || d.layers || ub.discrete_levels != ua.discrete_levels ||
             ub.follow_sampler != ua.follow_sampler || ub.use_ema != ua.use_ema ||
             ub.scrub_step != ua.scrub_step;
  d.training_on = ub.training != ua.training;
  d.playing = ub.playing != ua.playing;
  return d;
}

}  // namespace scorelab
