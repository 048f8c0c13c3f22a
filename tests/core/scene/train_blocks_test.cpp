// The scene's "model" and "train" blocks: every field round-trips, defaults follow the noise
// process, and bad values are rejected with their key path.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/scene/scene.h"

using namespace scorelab;
using nlohmann::json;

TEST_CASE("every model and train field round-trips through the scene file") {
  Scene s;
  s.train.model.width = 48;
  s.train.model.depth = 2;
  s.train.model.activation = Activation::Softplus;
  s.train.model.embedding = {EmbeddingKind::SinusoidalTime, 12, 3.5};
  s.train.model.output = OutputScaling::NoisePrediction;
  s.train.model.sigma_data = 0.7;
  s.train.model.far_field = FarField::Network;
  s.train.objective = {ObjectiveKind::SlicedVR, LevelSource::Discrete, false, false, 2e-4,
                       LevelDistribution::UniformT, LossWeighting::Sigma2, 2e-3};
  s.train.adam = {2e-4, 0.8, 0.99, 1e-7, 50, 2.5};
  s.train.ema_rate = 0.99;
  s.train.batch = 77;
  s.train.seed = 123456789012345ull;
  const Scene back = parse_scene(json::parse(to_json(s).dump()));
  CHECK(back == s);
  const TrainSettings& t = back.train;
  CHECK(t.model.width == 48);
  CHECK(t.model.depth == 2);
  CHECK(t.model.activation == Activation::Softplus);
  CHECK(t.model.embedding.kind == EmbeddingKind::SinusoidalTime);
  CHECK(t.model.embedding.width == 12);
  CHECK(t.model.embedding.fourier_scale == 3.5);
  CHECK(t.model.output == OutputScaling::NoisePrediction);
  CHECK(t.model.sigma_data == 0.7);
  CHECK(t.model.far_field == FarField::Network);
  CHECK(t.objective.distribution == LevelDistribution::UniformT);
  CHECK(t.objective.weighting == LossWeighting::Sigma2);
  CHECK(t.objective.sigma_hat_min == 2e-3);
  CHECK(t.objective.kind == ObjectiveKind::SlicedVR);
  CHECK(t.objective.levels == LevelSource::Discrete);
  CHECK(t.objective.perturb == false);
  CHECK(t.objective.eps == 2e-4);
  CHECK(t.adam.lr == 2e-4);
  CHECK(t.adam.beta1 == 0.8);
  CHECK(t.adam.beta2 == 0.99);
  CHECK(t.adam.eps == 1e-7);
  CHECK(t.adam.warmup == 50);
  CHECK(t.adam.grad_clip == 2.5);
  CHECK(t.ema_rate == 0.99);
  CHECK(t.batch == 77);
  CHECK(t.seed == 123456789012345ull);
  // The trainer's noise is the scene's noise block.
  CHECK(back.train_config().sde.N == back.noise.sde.N);
  CHECK(back.train_config().schedule.levels == back.noise.schedule.levels);
}

// Issue 11: new scenes get the preconditioned recipe whatever the process; the previous recipe
// stays selectable key by key.
TEST_CASE("model and objective defaults: the preconditioned recipe for every process") {
  for (const char* kind : {"ve", "vp", "subvp"}) {
    CAPTURE(kind);
    const Scene s = parse_scene(json{{"version", 2}, {"noise", {{"sde", {{"kind", kind}}}}}});
    CHECK(s.train.model.output == OutputScaling::Preconditioned);
    CHECK(s.train.model.embedding.kind == EmbeddingKind::FourierLogSigma);
    CHECK(s.train.model.embedding.fourier_scale == 0.2);
    CHECK(s.train.model.sigma_data == 1.0);
    CHECK(s.train.model.far_field == FarField::Skip);
    CHECK(s.train.objective.distribution == LevelDistribution::LogSigma);
    CHECK(s.train.objective.weighting == LossWeighting::Balanced);
  }
  const Scene old = parse_scene(json{
      {"noise", {{"sde", {{"kind", "vp"}}}}},
      {"model", {{"output", "noise_prediction"}, {"embedding", {{"kind", "sinusoidal_time"}}}}},
      {"train", {{"level_distribution", "uniform_t"}, {"weighting", "sigma2"}}}});
  CHECK(old.train.model.output == OutputScaling::NoisePrediction);
  CHECK(old.train.model.embedding.kind == EmbeddingKind::SinusoidalTime);
  CHECK(old.train.objective.distribution == LevelDistribution::UniformT);
  CHECK(old.train.objective.weighting == LossWeighting::Sigma2);
  // An explicit choice wins.
  const Scene mixed = parse_scene(
      json{{"noise", {{"sde", {{"kind", "vp"}}}}}, {"model", {{"output", "score_over_sigma"}}}});
  CHECK(mixed.train.model.output == OutputScaling::ScoreOverSigma);
}

TEST_CASE("bad model and train values name their key") {
  const struct {
    json scene;
    const char* expected;
  } cases[] = {
      {{{"model", {{"width", 0}}}}, "model.width"},
      {{{"model", {{"depth", 100}}}}, "model.depth"},
      {{{"model", {{"activation", "tanh"}}}}, "silu, softplus, relu"},
      {{{"model", {{"embedding", {{"width", 7}}}}}}, "model.embedding.width"},
      {{{"model", {{"embedding", {{"kind", "learned"}}}}}}, "fourier_log_sigma"},
      {{{"model", {{"wdith", 64}}}}, "model.wdith"},
      {{{"model", {{"sigma_data", 0}}}}, "model.sigma_data"},
      {{{"model", {{"output", "edm"}}}}, "preconditioned"},
      {{{"model", {{"far_field", "zero"}}}}, "skip, network"},
      {{{"train", {{"level_distribution", "normal"}}}}, "uniform_t, log_sigma"},
      {{{"train", {{"weighting", "edm"}}}}, "sigma2, balanced"},
      {{{"train", {{"objective", "ism"}}}}, "denoising, sliced, sliced_vr, exact"},
      {{{"train", {{"lr", -1}}}}, "train.lr"},
      {{{"train", {{"batch", 0}}}}, "train.batch"},
      {{{"train", {{"ema_rate", 1.5}}}}, "train.ema_rate"},
      {{{"train", {{"levels", "discrete"}, {"likelihood_weighting", true}}}},
       "likelihood_weighting"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.scene.dump());
    CHECK_THROWS_WITH_AS(parse_scene(c.scene), doctest::Contains(c.expected), InputError);
  }
}
