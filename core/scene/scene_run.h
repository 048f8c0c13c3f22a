// A scene's sample run, built the one way: `scorelab sample`, the window and the determinism
// tests all go through here, so the same scene and seed give the same particles everywhere.
//
//   streams = scene_streams(scene.seed)
//   exact   = make_exact_score(scene.data, streams.data)      (always: it consumes the data draw)
//   sampler = make_sampler(scene.sampler, scene.noise.schedule, scene.noise.sde)
//   start:    start_particles(sampler, scene, scene.particles, streams.particles)
//   step:     sampler.step(model, streams.particles), model = learned if given, else exact,
//             wrapped in a GuidedScore when sampler.condition guides (observation, class)
#pragma once
#include <memory>

#include "core/sample/sampler_registry.h"
#include "core/scene/scene.h"
#include "core/scene/streams.h"
#include "core/score/score_model.h"

namespace scorelab {

// Places n particles for a run by `sampler` (built from `config`) on `data`: n fresh draws of the
// data for a sampler that runs the noise process forwards (the forward SDE), else the sampler's
// own start (its initial distribution or the SDE prior). The window starts its particles (and a
// comparison run's) here too.
void start_particles(Sampler& sampler, const SamplerConfig& config, const DataConfig& data, Index n,
                     Rng& rng);

struct SceneRun {
  Scene scene;                        // the scene this run is of
  std::unique_ptr<ScoreModel> exact;  // the exact score of the scene's data
  const ScoreModel* model = nullptr;  // what the particles follow: exact, or the learned score
                                      // (or `guided` over either)
  std::unique_ptr<ScoreModel> guided; // the guided score when the conditioning guides
  std::unique_ptr<Sampler> sampler;   // built, not started
  Rng rng;                            // the particles stream, continued by start() and step()
  Index particles = 0;                // scene.particles

  // Place the particles (call record_trajectories on `sampler` before, if wanted).
  void start() { start_particles(*sampler, scene.sampler, scene.data, particles, rng); }
  // One sampler step; false once finished.
  bool step() { return sampler->step(*model, rng); }
};

// The score a scene's particles follow given `base` (exact or learned): for a conditioning that
// guides (observation, class), a GuidedScore over `base` with the scene's data mixture as the
// exact classifier (core/sample/conditioning.h); otherwise nullptr (follow `base` itself).
// `base` must outlive it. Throws InputError when guidance is asked of data that is not a mixture.
// The window calls this too, so its particles follow the same score.
std::unique_ptr<ScoreModel> make_guided_score(const Scene& scene, const ScoreModel& base);

// Builds the run of `scene` (validating its sampler: throws InputError). `learned`, when given,
// replaces the exact score as the one the particles follow and must outlive the run.
SceneRun make_scene_run(const Scene& scene, const ScoreModel* learned = nullptr);

// make_scene_run, start, step to the end: the final particles (2 × scene.particles).
Points sample_scene(const Scene& scene, const ScoreModel* learned = nullptr);

}  // namespace scorelab
