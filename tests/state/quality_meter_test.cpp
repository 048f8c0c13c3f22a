// The window's quality meter (app/state/quality_meter.h), display-free: its numbers for a snapshot
// equal a direct measure_quality call on the same snapshot with the same seed (bit for bit: the
// same code on the same inputs, only on another thread), and a reading is shown only while it is
// true of the model on screen. Small sizes (a few hundred points): well under a second.
#include <doctest/doctest.h>

#include "app/state/quality_meter.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/exact_score.h"
#include "core/scene/streams.h"
#include "core/train/training_session.h"

using namespace scorelab;
using app::JobRunner;
using app::QualityMeter;

namespace {

app::QualityMeterSettings small_settings() {
  app::QualityMeterSettings s;
  s.options.bands = 3;
  s.options.error_points = 200;
  s.options.particles = 200;
  s.reference_pairs = 10;
  s.sde_steps = 30;
  s.seed = 5;
  return s;
}

Scene small_scene(const char* dataset, SdeKind kind) {
  Scene s;
  s.data.source = std::string(dataset);
  s.data.points = 500;
  s.noise.sde.kind = kind;
  s.train.model.width = 32;
  s.train.batch = 64;
  return s;
}

std::unique_ptr<TrainingSession> trained(const Scene& scene, int steps) {
  auto session =
      std::make_unique<TrainingSession>(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < steps; ++i) session->step();
  return session;
}

QualityMeter::Input input(const Scene& scene, std::shared_ptr<const ModelSnapshot> model,
                          double now) {
  QualityMeter::Input in;
  in.scene = &scene;
  in.data_revision = 1;
  in.model = std::move(model);
  in.now = now;
  in.wait = true;
  return in;
}

// What the meter documents, written out by hand.
QualityReport direct(const Scene& scene, const app::QualityMeterSettings& set,
                     const LearnedScore& learned) {
  Rng data_rng = scene_streams(scene.seed).data;
  const SceneData scene_data = make_scene_data(scene.data, data_rng);
  const DataSource data = make_data_source(scene.data);
  std::optional<GaussianMixture> mixture;
  if (auto comps = mixture_components(scene.data)) mixture.emplace(*comps);
  Rng root(set.seed);
  Rng ref_rng = root.split();
  Rng rng = root.split();
  const EnergyReference ref =
      energy_reference(data, set.options.particles, set.reference_pairs, ref_rng);
  ReverseSdeConfig c;
  c.predictor = Predictor::EulerMaruyama;
  c.corrector = Corrector::None;
  c.eps = scene.noise.sde.kind == SdeKind::VE ? 1e-5 : 1e-3;
  SdeParams sde = scene.noise.sde;
  sde.N = set.sde_steps;
  auto sampler = make_sampler(c, SigmaSchedule{}, sde);
  QualityOptions opt = set.options;
  opt.sigma_hat_min =
      std::max(opt.sigma_hat_min, app::quality_band_floor(scene.data, scene_data.points));
  return measure_quality(learned, *scene_data.exact, data, mixture ? &*mixture : nullptr,
                         Sde(scene.noise.sde), *sampler, ref, opt, rng);
}

}  // namespace

TEST_CASE("quality meter: its reading equals a direct measure_quality on the same snapshot") {
  // ring8 under VP (a mixture: mode weights) and moons under VE (an empirical exact score: the
  // bands start at the band floor, no mode weights).
  for (auto [dataset, kind] : {std::pair{"ring8", SdeKind::VP}, std::pair{"moons", SdeKind::VE}}) {
    CAPTURE(dataset);
    const Scene scene = small_scene(dataset, kind);
    const auto session = trained(scene, 20);
    const auto snap = session->snapshot();
    QualityMeter meter(small_settings());
    JobRunner jobs;  // after the meter: joined before it goes
    meter.update(input(scene, snap, 0.0), jobs);
    const app::QualityReading* r = meter.reading();
    INFO(meter.note());
    REQUIRE(r != nullptr);
    CHECK(meter.note().empty());
    CHECK(r->step == 20);
    CHECK(r->ema);

    const QualityReport want = direct(scene, small_settings(), LearnedScore(snap, true));
    const QualityReport& got = r->report;
    REQUIRE(got.levels.size() == want.levels.size());
    for (std::size_t k = 0; k < want.levels.size(); ++k) {
      CAPTURE(k);
      CHECK(got.levels[k].t == want.levels[k].t);
      CHECK(got.rel_error[k] == want.rel_error[k]);
    }
    CHECK(got.energy == want.energy);
    CHECK(got.energy_p95 == want.energy_p95);
    CHECK(got.weights_learned == want.weights_learned);
    CHECK(got.weights_exact == want.weights_exact);
    if (std::string(dataset) == "ring8") {
      CHECK(got.weights_learned.size() == 8);
      CHECK(got.levels.front().s / got.levels.front().m == doctest::Approx(0.01));
    } else {
      CHECK(got.weights_learned.empty());
      // 500 moons points: a median spacing of ~0.1, so the smallest band is far above 0.01.
      CHECK(r->target->band_floor > 0.1);
      CHECK(got.levels.front().s / got.levels.front().m == doctest::Approx(r->target->band_floor));
    }
  }
}

TEST_CASE("quality meter: a reading is shown only while it is true of the model on screen") {
  const Scene scene = small_scene("ring8", SdeKind::VE);
  auto session = trained(scene, 10);
  QualityMeter meter(small_settings());
  JobRunner jobs;  // after the meter: joined before it goes

  meter.update(input(scene, nullptr, 0.0), jobs);
  CHECK(meter.reading() == nullptr);
  CHECK(meter.note().find("no learned model") != std::string::npos);

  meter.update(input(scene, session->snapshot(), 0.0), jobs);
  REQUIRE(meter.reading());
  CHECK(meter.reading()->step == 10);

  // Newer steps within the interval keep the older reading, labelled with its own step.
  session->step();
  meter.update(input(scene, session->snapshot(), 1.0), jobs);
  REQUIRE(meter.reading());
  CHECK(meter.reading()->step == 10);
  // After the interval, the newer step is measured.
  meter.update(input(scene, session->snapshot(), 2.5), jobs);
  REQUIRE(meter.reading());
  CHECK(meter.reading()->step == 11);

  // Raw weights on screen: the EMA reading is not theirs and is re-measured at once.
  QualityMeter::Input raw = input(scene, session->snapshot(), 2.6);
  raw.use_ema = false;
  meter.update(raw, jobs);
  REQUIRE(meter.reading());
  CHECK_FALSE(meter.reading()->ema);

  // A fresh model (another network, as after an architecture change) at a higher step count
  // than nothing: the old reading is never shown for it.
  QualityMeter::Input fresh = input(scene, trained(scene, 3)->snapshot(), 2.7);
  fresh.wait = false;
  meter.update(fresh, jobs);
  CHECK(meter.reading() == nullptr);
  CHECK(meter.note().find("measuring the model at step 3") != std::string::npos);
  fresh.wait = true;
  meter.update(fresh, jobs);
  REQUIRE(meter.reading());
  CHECK(meter.reading()->step == 3);

  // The scene's step count N is not the meter's (its sampler has its own): the reading stays.
  Scene finer = scene;
  finer.noise.sde.N = 2000;
  QualityMeter::Input same = input(finer, fresh.model, 2.75);
  same.wait = false;
  meter.update(same, jobs);
  CHECK(meter.reading() != nullptr);

  // Another noise process: the bands and sampler differ, so the reading is hidden until remeasured.
  Scene vp = scene;
  vp.noise.sde.kind = SdeKind::VP;
  QualityMeter::Input other = input(vp, fresh.model, 2.8);
  other.wait = false;
  meter.update(other, jobs);
  CHECK(meter.reading() == nullptr);
}

TEST_CASE("quality meter: one drawn point has no energy test, and says so") {
  Scene scene = small_scene("ring8", SdeKind::VE);
  PointSet one;
  one.points.emplace_back(1.0, 2.0);
  scene.data.source = one;
  const auto session = trained(scene, 5);
  QualityMeter meter(small_settings());
  JobRunner jobs;  // after the meter: joined before it goes
  meter.update(input(scene, session->snapshot(), 0.0), jobs);
  CHECK(meter.reading() == nullptr);
  CHECK(meter.note().find("same point") != std::string::npos);
}
