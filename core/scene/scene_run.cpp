// make_scene_run and sample_scene (see scene_run.h).
#include "core/scene/scene_run.h"

#include <string>

#include "core/common/error.h"
#include "core/scene/exact_score.h"

namespace scorelab {

namespace {

// Exact imputation needs the mixture; the approximate method does not.
std::string imputation_hint(const Conditioning& c) {
  return c.kind == Conditioning::Kind::Imputation
             ? " (imputation of such data: \"method\": \"smc\" with annealed_langevin, or "
               "\"replacement\", the approximate inpainter)"
             : "";
}

}  // namespace

std::unique_ptr<ScoreModel> make_guided_score(const Scene& scene, const ScoreModel& base) {
  const Conditioning* c = sampler_condition(scene.sampler);
  if (!c || !c->guides()) return nullptr;
  const std::optional<MixtureComponents> comps = mixture_components(scene.data);
  if (!comps)
    throw InputError("sampler.condition '" + std::string(to_string(c->kind)) +
                     "' needs mixture data (its exact classifier), not a sample-only dataset or "
                     "a drawn point set" + imputation_hint(*c));
  return std::make_unique<GuidedScore>(base, *comps, *c);
}

void start_particles(Sampler& sampler, const SamplerConfig& config, const DataConfig& data, Index n,
                     Rng& rng) {
  if (!sampler_runs_forward(config)) {
    sampler.start(n, rng);
    return;
  }
  Points x0;
  make_data_source(data)(n, rng, x0);
  sampler.start(x0);
}

SceneRun make_scene_run(const Scene& scene, const ScoreModel* learned) {
  SceneStreams streams = scene_streams(scene.seed);
  SceneRun run;
  run.scene = scene;
  run.exact = make_exact_score(scene.data, streams.data);
  run.model = learned ? learned : run.exact.get();
  run.guided = make_guided_score(scene, *run.model);
  if (run.guided) run.model = run.guided.get();
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
