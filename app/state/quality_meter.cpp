// QualityMeter: the background target and measurement jobs and the rules for showing a reading.
#include "app/state/quality_meter.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>


#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/point_spacing.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/exact_score.h"
#include "core/scene/streams.h"

namespace scorelab::app {

namespace {

// The same noise process, whatever its step count N (the meter's sampler has its own).
bool same_process(SdeParams a, SdeParams b) {
  a.N = b.N = 1;
  return a == b;
}

// Whether a reading describes `model` as the window shows it now.
bool describes(const QualityReading& r, const QualityMeter::Input& in) {
  return in.model && in.model->step > 0 && r.mlp == in.model->mlp && r.step <= in.model->step &&
         r.ema == in.use_ema && same_process(r.sde, in.scene->noise.sde) &&
         r.data_revision == in.data_revision;
}

// Whether `r` was measured on exactly this snapshot and process (nothing new to measure).
bool current(const QualityReading& r, const QualityMeter::Input& in) {
  return describes(r, in) && r.step == in.model->step;
}

}  // namespace

double quality_band_floor(const DataConfig& data, const Points& exact_points) {
  const auto* name = std::get_if<std::string>(&data.source);
  if (!name || find_dataset(*name).mixture || exact_points.cols() < 2) return 0;
  return 6.0 * median_nearest_distance(exact_points);
}

QualityMeter::QualityMeter(QualityMeterSettings settings) : settings_(settings) {}

bool QualityMeter::busy() const {
  return (target_job_ && !target_job_->finished()) || (measure_job_ && !measure_job_->finished());
}

void QualityMeter::start_target(const Scene& scene, long revision, JobRunner& jobs) {
  if (target_job_) target_job_->cancel();
  if (measure_job_) measure_job_->cancel();
  measure_job_.reset();
  target_.reset();
  target_error_.clear();
  measure_error_.clear();
  target_revision_ = revision;
  const DataConfig data = scene.data;
  const std::uint64_t seed = scene.seed;
  const QualityMeterSettings set = settings_;
  target_job_ =
      jobs.submit<std::shared_ptr<const QualityTarget>>([data, seed, set](JobControl&) {
        auto t = std::make_shared<QualityTarget>();
        Rng data_rng = scene_streams(seed).data;  // the window's exact score, draw for draw
        SceneData scene_data = make_scene_data(data, data_rng);
        t->band_floor = quality_band_floor(data, scene_data.points);
        t->exact = std::move(scene_data.exact);
        t->data = make_data_source(data);
        if (auto comps = mixture_components(data)) t->mixture.emplace(*comps);
        Rng root(set.seed);
        Rng ref_rng = root.split();
        t->reference =
            energy_reference(t->data, set.options.particles, set.reference_pairs, ref_rng,
                             &background_gate());
        if (!(t->reference.p95 > 0))
          throw InputError("every exact sample is the same point: there is nothing to compare");
        return std::shared_ptr<const QualityTarget>(std::move(t));
      });
}

void QualityMeter::start_measurement(const Input& in, JobRunner& jobs) {
  std::shared_ptr<const QualityTarget> target = target_;
  std::shared_ptr<const ModelSnapshot> model = in.model;
  const bool ema = in.use_ema;
  const SdeParams sde = in.scene->noise.sde;
  const long revision = in.data_revision;
  const QualityMeterSettings set = settings_;
  measure_job_ = jobs.submit<QualityReading>([=](JobControl&) {
    const LearnedScore learned(model, ema);
    SdeParams sampler_sde = sde;
    sampler_sde.N = set.sde_steps;
    ReverseSdeConfig c;
    c.predictor = Predictor::EulerMaruyama;
    c.corrector = Corrector::None;
    c.denoise = true;
    c.eps = sde.kind == SdeKind::VE ? 1e-5 : 1e-3;
    auto sampler = make_sampler(c, SigmaSchedule{}, sampler_sde);
    QualityOptions options = set.options;
    options.sigma_hat_min = std::max(options.sigma_hat_min, target->band_floor);
    options.gate = &background_gate();
    Rng root(set.seed);
    (void)root.split();  // the reference's stream
    Rng rng = root.split();
    QualityReading r;
    r.report = measure_quality(learned, *target->exact, target->data,
                               target->mixture ? &*target->mixture : nullptr, Sde(sde), *sampler,
                               target->reference, options, rng);
    r.step = model->step;
    r.ema = ema;
    r.mlp = model->mlp;
    r.sde = sde;
    r.data_revision = revision;
    r.target = target;
    return r;
  });
  last_start_ = in.now;
}

void QualityMeter::poll() {
  if (target_job_ && target_job_->finished()) {
    if (auto t = target_job_->take())
      target_ = std::move(*t);
    else if (target_job_->state() == Job<std::shared_ptr<const QualityTarget>>::State::Failed)
      target_error_ = target_job_->error();
    target_job_.reset();
  }
  if (measure_job_ && measure_job_->finished()) {
    if (auto r = measure_job_->take()) {
      reading_ = std::move(*r);
      measure_error_.clear();
    } else if (measure_job_->state() == Job<QualityReading>::State::Failed) {
      measure_error_ = measure_job_->error();
    }
    measure_job_.reset();
  }
}

void QualityMeter::update(const Input& in, JobRunner& jobs) {
  // Step 0 is the initial snapshot every trainer publishes: weights nobody has trained yet.
  const bool trained = in.model && in.model->step > 0;
  for (;;) {
    poll();
    if (target_revision_ != in.data_revision) {
      reading_.reset();
      start_target(*in.scene, in.data_revision, jobs);
    }
    // A new measurement: once the target exists, when the model or the process changed, and
    // while training runs at most every `interval` (at once when nothing true is on screen).
    // A failed measurement is retried after `interval` only.
    if (target_ && trained && !measure_job_ && !(reading_ && current(*reading_, in))) {
      const bool stale = !(reading_ && describes(*reading_, in)) && measure_error_.empty();
      if (stale || in.now - last_start_ >= settings_.interval) start_measurement(in, jobs);
    }
    // Waiting: until every handle has been taken by poll() (a job that finished after this
    // iteration's poll may have made another one due).
    if (!in.wait || (!target_job_ && !measure_job_)) break;
    if (busy()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  shown_ = reading_ && describes(*reading_, in);
  if (shown_)
    note_.clear();
  else if (!target_error_.empty())
    note_ = "no quality measure: " + target_error_;
  else if (!measure_error_.empty())
    note_ = "the quality measure failed: " + measure_error_;
  else if (!trained)
    note_ = "no learned model yet: start training (T) to measure its quality";
  else if (!target_)
    note_ = "preparing exact samples for the quality measure...";
  else
    note_ = "measuring the model at step " + std::to_string(in.model->step) + "...";
}

}  // namespace scorelab::app
