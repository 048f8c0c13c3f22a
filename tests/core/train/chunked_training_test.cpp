// The chunked, multi-threaded training step (core/train/training_session.h): the weights do not
// depend on the thread count, and the chunked gradient is the batch's gradient up to rounding.
#include <doctest/doctest.h>

#include "core/distributions/datasets.h"
#include "core/train/training_session.h"

using namespace scorelab;

namespace {

TrainConfig small_config(ObjectiveKind kind) {
  TrainConfig cfg;
  cfg.model.width = 32;
  cfg.model.depth = 2;
  cfg.objective.kind = kind;
  cfg.batch = 640;  // 5 chunks of 128: more chunks than threads, and not a multiple of 2 or 3
  cfg.seed = 7;
  return cfg;
}

DataSource ring_data() {
  return [gmm = ring8()](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
}

}  // namespace

TEST_CASE("chunk counts depend on the batch size only") {
  CHECK(training_chunks(1) == 1);
  CHECK(training_chunks(255) == 1);
  CHECK(training_chunks(256) == 2);
  CHECK(training_chunks(1024) == 8);
  CHECK(training_chunks(65536) == 16);
  CHECK(training_threads(3, true) == 3);
  CHECK(training_threads(0, false) >= 1);
  CHECK(training_threads(0, true) >= 1);
  CHECK(training_threads(0, true) >= training_threads(0, false) - 1);
}

// Bit-identical, not close: the same chunks are summed in the same order whatever the threads.
TEST_CASE("the weights after 20 steps are bit-identical for 1, 2 and 3 threads") {
  for (ObjectiveKind kind : {ObjectiveKind::Denoising, ObjectiveKind::Exact, ObjectiveKind::Sliced}) {
    CAPTURE(to_string(kind));
    Eigen::VectorXf params1, ema1;
    double loss1 = 0;
    for (int threads : {1, 2, 3}) {
      CAPTURE(threads);
      TrainConfig cfg = small_config(kind);
      cfg.threads = threads;
      TrainingSession session(cfg, ring_data());
      double loss = 0;
      for (int i = 0; i < 20; ++i) loss = session.step().loss;
      REQUIRE(session.steps() == 20);
      if (threads == 1) {
        params1 = session.params(), ema1 = session.ema().weights(), loss1 = loss;
        continue;
      }
      CHECK(session.params() == params1);
      CHECK(session.ema().weights() == ema1);
      CHECK(loss == loss1);
    }
  }
}

// The session's reduction (chunk losses and gradients, each divided by the whole batch's size,
// summed in chunk order) against one evaluation of the whole batch. Float sums in another order
// differ by rounding: a few float epsilons (6e-8) times the terms' magnitude; the bound 1e-5 of
// the gradient's norm leaves room for that and is far below any real error (a chunk missing or
// counted twice changes the gradient by ~1/5 of its norm).
TEST_CASE("the chunked gradient equals the whole batch's gradient up to float rounding") {
  for (ObjectiveKind kind : {ObjectiveKind::Denoising, ObjectiveKind::Exact}) {
    CAPTURE(to_string(kind));
    const TrainConfig cfg = small_config(kind);
    Rng init(cfg.seed);
    const Mlp mlp(cfg.model, NoiseEmbedding(cfg.model.embedding, init));
    Eigen::VectorXf params;
    mlp.init_params(params, init);
    const Objective objective(cfg.objective, Sde(cfg.sde), cfg.schedule, cfg.model.sigma_data);
    Points x0;
    ring8().sample(cfg.batch, init, x0);
    ObjectiveBatch<float> batch;
    objective.draw(x0, init, batch);
    const Index n = batch.x.cols();

    Mlp::Context ctx;
    Eigen::VectorXf whole = Eigen::VectorXf::Zero(mlp.num_params());
    const double whole_loss = objective.evaluate<float>(mlp, params, batch, ctx, &whole, nullptr);

    const int chunks = training_chunks(static_cast<int>(n));
    REQUIRE(chunks == 5);
    Eigen::VectorXf sum = Eigen::VectorXf::Zero(mlp.num_params());
    double sum_loss = 0;
    for (int c = 0; c < chunks; ++c) {
      ObjectiveBatch<float> part;
      batch.slice(n * c / chunks, n * (c + 1) / chunks - n * c / chunks, part);
      Eigen::VectorXf g = Eigen::VectorXf::Zero(mlp.num_params());
      sum_loss += objective.evaluate<float>(mlp, params, part, ctx, &g, nullptr, n);
      sum += g;
    }
    CHECK((sum - whole).norm() <= 1e-5 * whole.norm());
    CHECK(sum_loss == doctest::Approx(whole_loss).epsilon(1e-5));
  }
}
