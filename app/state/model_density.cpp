// The model-density job: log p of the grid and of fresh data draws through the PF-ODE.
#include "app/state/model_density.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "core/common/error.h"
#include "core/likelihood/likelihood.h"

namespace scorelab::app {

namespace {

// The job itself (on the runner's thread): everything it reads is in `r`.
ModelDensityMap compute(const ModelDensityRequest& r, JobControl& control) {
  // The runner's worker runs below the UI thread (jobs.h), and so do the likelihood's helper
  // threads, which inherit its priority: a map takes what the UI leaves of the cores.
  std::optional<LearnedScore> learned;
  if (!r.exact) learned.emplace(r.model, r.ema);
  const ScoreModel& model = r.exact ? *r.exact : static_cast<const ScoreModel&>(*learned);
  const Sde sde(r.sde);
  LikelihoodOptions o;
  o.rtol = o.atol = r.tol;
  o.eps = r.eps;
  // The held-out draws are a small part of the work; the grid's progress is what the bar shows.
  Points held_out;
  if (r.nll_points > 0) {
    Rng rng = r.rng;
    r.data(r.nll_points, rng, held_out);
  }
  const double grid_share = double(r.grid.size()) / double(r.grid.size() + held_out.cols());
  std::atomic<bool> cancel{false};
  LikelihoodControl lc;
  lc.cancel = &cancel;
  lc.gate = &background_gate();
  const auto step = [&](double base, double share) {
    return [&, base, share](double f) {
      control.progress(base + share * f);
      if (control.cancelled()) cancel = true;
    };
  };
  ModelDensityMap m;
  m.grid = r.grid;
  m.exact = r.exact != nullptr;
  m.step = r.exact ? -1 : r.model->step;
  m.ema = r.ema;
  m.tol = r.tol;
  m.eps = o.eps;
  const NoiseLevel level = sde.level(o.eps);
  if (!r.exact) {
    m.window = r.model->mlp->window_at(level.m, level.s);
    if (m.window) m.sigma_data = r.model->mlp->config().sigma_data;
  }
  lc.progress = step(0.0, grid_share);
  if (!log_likelihood(model, sde, r.grid.points(), o, m.log_p, nullptr, lc)) return m;
  m.stats = value_stats(m.log_p);
  replace_non_finite(m.log_p, m.stats.min);
  if (held_out.cols() > 0) {
    lc.progress = step(grid_share, 1.0 - grid_share);
    Values lp;
    if (!log_likelihood(model, sde, held_out, o, lp, nullptr, lc)) return m;
    m.nll_ode = mean_nll(lp);
    m.held_out = std::move(held_out);
  }
  return m;
}

}  // namespace

void ModelDensity::start(JobRunner& runner, ModelDensityRequest request) {
  if (!request.model && !request.exact)
    throw InputError("the model density needs a learned model (train first)");
  if (request.grid.nx < 1 || request.grid.ny < 1)
    throw InputError("the model density needs a grid of at least 1x1");
  cancel();
  job_ = runner.submit<ModelDensityMap>(
      [r = std::move(request)](JobControl& control) { return compute(r, control); });
}

void ModelDensity::cancel() {
  if (job_) job_->cancel();
}

bool ModelDensity::poll(std::string* error) {
  if (!job_ || !job_->finished()) return false;
  using State = Job<ModelDensityMap>::State;
  bool fresh = false;
  if (job_->state() == State::Done) {
    map_ = std::move(*job_->take());
    map_.revision = ++revision_;
    fresh = true;
  } else if (job_->state() == State::Failed && error) {
    *error = "model density: " + job_->error();
  }
  job_.reset();
  return fresh;
}

void ModelDensity::wait() {
  while (job_ && !job_->finished()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

}  // namespace scorelab::app
