// The flow-map mesh job and its cache (see flow_mesh.h).
#include "app/state/flow_mesh.h"

#include <chrono>
#include <optional>
#include <thread>

#include "app/state/fields.h"
#include "core/nn/learned_score.h"

namespace scorelab::app {

namespace {

// RK45's tolerance for the mesh (as the encoding layer's): vertices good to ~1e-4 data units.
constexpr double kMeshTol = 1e-5;
// Seconds between learned recomputes while only the model step moves on (as the encoding's).
constexpr double kMeshLearnedInterval = 2.0;

// What the job owns: every input copied or shared, so it may outlive a data edit.
struct MeshRequest {
  std::shared_ptr<const ScoreModel> exact;     // the exact score, or null for ...
  std::shared_ptr<const ModelSnapshot> model;  // ... this snapshot's learned score
  bool ema = true;
  SdeParams sde;
  FlowDirection direction = FlowDirection::PriorToData;
  MeshRegion region;
  int lines = 21;
};

FlowMesh compute_mesh(const MeshRequest& r, JobControl& control) {
  std::optional<LearnedScore> learned;
  if (!r.exact) learned.emplace(r.model, r.ema);
  const ScoreModel& model = r.exact ? *r.exact : static_cast<const ScoreModel&>(*learned);
  std::atomic<bool> cancel{false};
  LikelihoodControl lc;
  lc.cancel = &cancel;
  lc.gate = &background_gate();
  lc.progress = [&](double f) {
    control.progress(f);
    if (control.cancelled()) cancel = true;
  };
  FlowMesh mesh;
  const Sde sde(r.sde);
  // A cancelled run returns an empty mesh; the runner then marks the job Cancelled.
  (void)flow_map_mesh(model, sde, r.direction, r.region, r.lines, likelihood_start_time(r.sde, 0.0),
                      kMeshTol, mesh, lc);
  return mesh;
}

}  // namespace

void FlowMeshCache::update(const FieldInputs& in, const MeshLayerSettings& cfg) {
  take_finished();
  const bool learned = in.source == FieldSource::Learned;
  if (learned && !in.model) return;  // no snapshot yet (live or scrubbed)
  FlowMeshKey key;
  key.sde = in.scene->noise.sde;
  key.data_revision = in.data_revision;
  key.source = in.source;
  key.model_step = learned ? in.model_step : -1;
  key.ema = learned ? in.ema : true;
  key.direction = cfg.direction;
  key.lines = cfg.lines;
  if (asked_valid_ && key == asked_) return;
  // Only a newer snapshot of the same model: at most every kMeshLearnedInterval, and never on top
  // of a job still running (it would be cancelled before it finished, again and again).
  FlowMeshKey same = asked_;
  same.model_step = key.model_step;
  if (asked_valid_ && learned && same == key && !in.scripted &&
      (running() || in.now - asked_at_ < kMeshLearnedInterval))
    return;
  MeshRequest r;
  if (learned) {
    r.model = in.model;
  } else {
    r.exact = in.exact;
  }
  r.ema = key.ema;
  r.sde = key.sde;
  r.direction = key.direction;
  r.lines = key.lines;
  asked_ = key;
  asked_valid_ = true;
  asked_at_ = in.now;
  if (job_) job_->cancel();
  job_.reset();
  try {
    r.region = key.direction == FlowDirection::PriorToData ? prior_region(Sde(key.sde))
                                                           : data_region(*in.data_points);
  } catch (const InputError& e) {
    error_ = std::string("flow map: ") + e.what();
    return;
  }
  job_key_ = key;
  ++started_;
  job_ = in.jobs->submit<FlowMesh>(
      [r = std::move(r)](JobControl& control) { return compute_mesh(r, control); });
  if (in.scripted) {
    while (!job_->finished()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    take_finished();
  }
}

void FlowMeshCache::take_finished() {
  if (!job_ || !job_->finished()) return;
  using State = Job<FlowMesh>::State;
  if (job_->state() == State::Done) {
    mesh_ = std::move(*job_->take());
    key_ = job_key_;
    ++revision_;
    error_.clear();
  } else if (job_->state() == State::Failed) {
    error_ = "flow map: " + job_->error();
  }
  job_.reset();
}

}  // namespace scorelab::app
