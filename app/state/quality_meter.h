// QualityMeter: the Model & training panel's live quality readout (core/train/quality.h) for the
// current learned snapshot, measured in the background so that no frame waits for it.
//
// Two kinds of background job, on the job runner its owner passes in (the AppContext's one
// worker, below the UI thread like the trainer, so the UI comes first):
//   target       once per data (AppContext::data_revision): the exact score, the exact data
//                stream, the mixture (mode weights) and the exact-vs-exact energy reference
//                (~0.5 s at 1,000 points × 100 pairs)
//   measurement  one measure_quality call on a snapshot (~70 ms CPU at the default sizes), started
//                when the model or the noise process changed, at most every `interval` seconds
//                while training runs
// Each reading keeps the step, weights (EMA or raw) and noise process it was measured with, and
// is shown only while it is true of the model on screen (same network, not reset since, same
// weights kind and process); the panel labels it "measured at step N".
//
// What a measurement is, exactly (a direct computation repeats it: tests/state/quality_meter_test):
//   root      = Rng(settings.seed); ref_rng = root.split(); rng = root.split()  (rng restarts at
//               that state for every measurement, so the same snapshot always reads the same)
//   exact     = make_scene_data(scene.data, scene_streams(scene.seed).data).exact  (the window's)
//   data      = make_data_source(scene.data)       (what the trainer learns from)
//   mixture   = mixture_components(scene.data)     (mode weights; none for point sets)
//   reference = energy_reference(data, options.particles, reference_pairs, ref_rng)
//   sampler   = reverse SDE, Euler–Maruyama, no corrector, denoised, N = sde_steps, eps 1e-5
//               (VE) or 1e-3 (VP, sub-VP), on scene.noise.sde: a fixed reference sampler, so the
//               number is about the model and not about the scene's sampler settings
//   options   = settings.options with sigma_hat_min raised to quality_band_floor()
//   report    = measure_quality(learned, *exact, data, mixture, sde, *sampler, reference,
//                               options, rng)
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/state/jobs.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/nn/learned_score.h"
#include "core/scene/scene.h"
#include "core/train/quality.h"

namespace scorelab::app {

// The recipe of a measurement (core/train/quality.h), and when and from which stream the meter
// takes it.
struct QualityMeterSettings : QualityRecipe {
  double interval = 2.0;   // seconds between measurements of a changing model
  std::uint64_t seed = 1;  // the meter's own stream (never the scene's or the trainer's)
};

// Below this σ̂ the exact score of a sample-only dataset (moons, spirals, …) is that of its
// data.points draws, not of the density the trainer learns from: 6 × the median nearest-neighbour
// distance of those draws, where two independent 2,000-point draws of moons, spirals, rings or
// checkerboard disagree by 6–8 % (relative squared error; 15–23 % at 4×). 0 for mixtures and
// drawn point sets, whose exact score is the trainer's target at every level.
double quality_band_floor(const DataConfig& data, const Points& exact_points);

// The exact side of the measurement, built once per data.
struct QualityTarget {
  std::shared_ptr<const ScoreModel> exact;
  ExactSampler data;
  std::optional<GaussianMixture> mixture;  // mixture data only
  double band_floor = 0;                   // quality_band_floor
  EnergyReference reference;
};

// One finished measurement and what it was measured on.
struct QualityReading {
  QualityReport report;
  long step = 0;                   // the snapshot's training step
  bool ema = true;                 // EMA weights (else the raw weights)
  std::shared_ptr<const Mlp> mlp;  // the network it belongs to (kept alive: identity check)
  SdeParams sde;                   // the noise process (bands, sampler; N unused)
  long data_revision = -1;
  std::shared_ptr<const QualityTarget> target;  // true weights, band floor, reference
};

class QualityMeter {
 public:
  explicit QualityMeter(QualityMeterSettings settings = {});

  struct Input {
    const Scene* scene = nullptr;                // data, seed, noise.sde
    long data_revision = 0;                      // AppContext::data_revision()
    std::shared_ptr<const ModelSnapshot> model;  // the current snapshot; null or step 0: no
                                                 // trained model yet (nothing is measured)
    bool use_ema = true;                         // which weights the window shows
    double now = 0;                              // seconds (interactive: wall clock)
    bool wait = false;  // scripted frames: block until what this call starts is done, so the
                        // readout of a frame depends only on the scene and the step
  };
  // Once per frame while the readout is shown: takes finished results and starts what is due on
  // `jobs`. Never blocks unless in.wait.
  void update(const Input& in, JobRunner& jobs);

  // The newest reading that is true of the current model, or null (then note() says why).
  const QualityReading* reading() const { return shown_ ? &*reading_ : nullptr; }
  const std::string& note() const { return note_; }
  bool measuring() const { return measure_job_ && !measure_job_->finished(); }
  const QualityMeterSettings& settings() const { return settings_; }

 private:
  void poll();
  bool busy() const;
  void start_target(const Scene& scene, long revision, JobRunner& jobs);
  void start_measurement(const Input& in, JobRunner& jobs);

  QualityMeterSettings settings_;
  std::shared_ptr<const QualityTarget> target_;
  long target_revision_ = -1;  // the revision target_ (or the running target job) is for
  std::string target_error_, measure_error_;  // the last failed job's message
  std::optional<QualityReading> reading_;
  bool shown_ = false;
  std::string note_ = "starting the quality measure...";
  double last_start_ = -1e300;  // `now` of the last measurement started
  std::shared_ptr<Job<std::shared_ptr<const QualityTarget>>> target_job_;
  std::shared_ptr<Job<QualityReading>> measure_job_;
};

}  // namespace scorelab::app
