// make_scene_run and sample_scene (see scene_run.h).
#include "core/scene/scene_run.h"

#include "core/scene/exact_score.h"

namespace scorelab {

SceneRun make_scene_run(const Scene& scene, const ScoreModel* learned) {
  SceneStreams streams = scene_streams(scene.seed);
  SceneRun run;
  run.exact = make_exact_score(scene.data, streams.data);
  run.model = learned ? learned : run.exact.get();
  run.sampler = make_sampler(scene.sampler, scene.noise.schedule, scene.noise.sde);
  run.rng = streams.particles;
  run.particles = scene.particles;
  return run;
}

Points sample_scene(const Scene& scene, const ScoreModel* learned) {
  SceneRun run = make_scene_run(scene, learned);
  run.start();
  while (run.step()) {
  }
  return run.sampler->particles();
}

}  // namespace scorelab
