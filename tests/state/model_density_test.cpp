// The model-density job (app/state/model_density.h) without a window: a map of the grid it was
// asked for, of the model step it was given, finite; the held-out NLL beside it; cancel; bad
// requests refused with a message.
#include <doctest/doctest.h>

#include <cmath>

#include "app/state/model_density.h"
#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/likelihood/likelihood.h"
#include "core/train/training_session.h"

using namespace scorelab;

namespace {

// A barely trained VP network on ring8 (the job's numbers are checked by the likelihood tests;
// here its plumbing).
app::ModelDensityRequest small_request() {
  TrainConfig cfg;
  cfg.sde = {SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000};
  cfg.model = default_model_for(SdeKind::VP);
  const GaussianMixture gmm = ring8();
  const DataSource data = [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainingSession session(cfg, data);
  for (int i = 0; i < 20; ++i) session.step();
  app::ModelDensityRequest r;
  r.grid = {-6, -6, 6, 6, 8, 6};
  r.model = session.snapshot();
  r.sde = cfg.sde;
  r.tol = 1e-3;
  r.eps = likelihood_start_time(cfg.sde, 0.0);
  r.nll_points = 20;
  r.data = data;
  return r;
}

}  // namespace

TEST_CASE("model density: a finite map of the grid and step asked for, with its NLL") {
  app::JobRunner runner;
  app::ModelDensity md;
  const app::ModelDensityRequest r = small_request();
  CHECK(md.map() == nullptr);
  md.start(runner, r);
  md.wait();
  std::string error;
  REQUIRE(md.poll(&error));
  CHECK(error.empty());
  const app::ModelDensityMap* m = md.map();
  REQUIRE(m != nullptr);
  CHECK(m->grid == r.grid);
  CHECK(m->log_p.size() == 48);
  CHECK(m->log_p.allFinite());
  CHECK(m->step == r.model->step);
  CHECK(m->eps == 1e-3);  // VP: the reference's eps, not t = 0
  // The far field's window at the map's level (core/nn/mlp.h): the data's reach scaled by m, plus
  // four noise stds, around m μ; the Gaussian's σ_d beside it.
  REQUIRE(r.model->mlp->reach().has_value());
  REQUIRE(m->window.has_value());
  const NoiseLevel level = Sde(r.sde).level(m->eps);
  const DataReach& reach = *r.model->mlp->reach();
  CHECK((m->window->center - level.m * reach.center).norm() < 1e-12);
  CHECK(m->window->inner == doctest::Approx(std::hypot(level.m * reach.radius, 4 * level.s)));
  CHECK(m->window->outer == doctest::Approx(1.5 * m->window->inner));
  CHECK(m->sigma_data == r.model->mlp->config().sigma_data);
  CHECK(m->held_out.cols() == 20);
  CHECK(std::isfinite(m->nll_ode));
  CHECK_FALSE(md.poll(&error));  // taken once
}

TEST_CASE("model density: cancel keeps the previous map, bad requests are refused") {
  app::JobRunner runner;
  app::ModelDensity md;
  app::ModelDensityRequest r = small_request();
  md.start(runner, r);
  md.wait();
  REQUIRE(md.poll(nullptr));
  const long revision = md.map()->revision;
  r.grid.nx = r.grid.ny = 64;
  r.tol = 1e-6;  // long enough to be cancelled while running
  md.start(runner, r);
  md.cancel();
  md.wait();
  CHECK_FALSE(md.poll(nullptr));
  CHECK(md.map()->revision == revision);

  app::ModelDensityRequest no_model = small_request();
  no_model.model = nullptr;
  CHECK_THROWS_AS(md.start(runner, no_model), InputError);
  app::ModelDensityRequest empty = small_request();
  empty.grid.nx = 0;
  CHECK_THROWS_AS(md.start(runner, empty), InputError);
}
