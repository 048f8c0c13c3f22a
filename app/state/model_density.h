// The model-density map of one panel: a score's own log p on a grid through the probability-flow
// ODE (core/likelihood) — the learned model's, or the exact score's (to set beside the closed
// form: the two agree within the ODE's tolerance) — computed as a background job (jobs.h) and
// kept with what it was computed for (grid, model step, tolerance), so a picture of it can say
// so. Also the held-out NLL: the score's mean −log p on fresh data draws through the ODE, beside
// the closed-form one of the same draws. No GL: the model-density layer draws it, the state tests
// drive it.
#pragma once
#include <cmath>
#include <memory>
#include <optional>

#include "app/state/jobs.h"
#include "core/common/rng.h"
#include "core/field/field.h"
#include "core/nn/learned_score.h"
#include "core/noise/sde.h"
#include "core/train/training_session.h"

namespace scorelab::app {

struct ModelDensityMap {
  Grid grid;             // where it was computed (data units)
  Values log_p;          // grid.size(), nats (non-finite replaced by the minimum)
  FieldStats stats;
  bool exact = false;    // of the exact score (then step is −1), else of the learned model
  long step = -1;        // the model's training step
  bool ema = true;
  double tol = 0;        // RK45 rtol = atol
  double eps = 0;        // the ODE's start time: this is log p_eps
  Points held_out;       // 2 × n: the fresh data draws of the NLL (may be empty)
  double nll_ode = NAN;    // mean −log p_eps of held_out through the ODE, nats
  double nll_exact = NAN;  // the same under the closed-form density (set by the owner, NaN if none)
  // Where the model's network part is on at the map's level (core/nn/mlp.h FarField): within
  // `inner` of `center` (data units) the network was trained; beyond `outer` it is switched off
  // and the score is the skip term's, that of the Gaussian N(μ, σ_d² I), so the map there shows
  // that Gaussian's density, not one learned from the data. Empty for a model without the skip
  // far field (the network's extrapolation everywhere).
  std::optional<Mlp::Window> window;
  double sigma_data = NAN;  // σ_d of that Gaussian, data units (NaN without a window)
  long revision = 0;     // bumps with every new map (the renderer re-uploads)
};

// What one computation needs, copied so the job owns everything it reads.
struct ModelDensityRequest {
  Grid grid;
  std::shared_ptr<const ModelSnapshot> model;  // the learned model (when `exact` is null)
  bool ema = true;
  std::shared_ptr<const ScoreModel> exact;     // set: the map is of this exact score instead
  SdeParams sde;
  double tol = 1e-5;
  double eps = 1e-3;      // the ODE's start time: the map is log p_eps (likelihood_start_time)
  int nll_points = 300;
  DataSource data;        // fresh draws for the held-out NLL
  Rng rng;                // of those draws: the scene's held-out stream (core/scene/streams.h)
};


// One panel's map and its running job.
class ModelDensity {
 public:
  // Starts computing `request` on `runner`, cancelling a job still running. Throws InputError
  // for a bad request (no score, an empty grid).
  void start(JobRunner& runner, ModelDensityRequest request);
  void cancel();
  // Takes a finished job's map (true when a new one arrived). A failed job's message in *error.
  bool poll(std::string* error);
  // Waits for the running job (scripted frames are deterministic: the map is there when asked).
  void wait();

  bool running() const { return job_ && !job_->finished(); }
  double progress() const { return job_ ? job_->progress() : 0.0; }
  const ModelDensityMap* map() const { return map_.log_p.size() ? &map_ : nullptr; }
  ModelDensityMap* map() { return map_.log_p.size() ? &map_ : nullptr; }

 private:
  std::shared_ptr<Job<ModelDensityMap>> job_;
  ModelDensityMap map_;
  long revision_ = 0;
};

}  // namespace scorelab::app
