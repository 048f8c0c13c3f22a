// The flow-map mesh of one panel (core/likelihood/flow_map_mesh.h): a G × G grid carried by the
// probability-flow ODE of the panel's score, computed as a background job on the context's one
// runner (jobs.h) and kept with the key it was computed for, so the mesh layer draws it and says
// truly which score and direction it shows. Recomputed only when the key changes: the process,
// the data, the source (and its model step, EMA) or the layer's direction and lines — never the
// view (the grid's region depends on the prior or the data only). A learned 21 × 21 mesh
// takes ~0.1 s of a core (61 × 61: ~1 s), so while training it is redone at most every 2 s
// (scripted runs: whenever the model changed, and they wait for the job, so their frames are
// deterministic). The score is the panel's unguided one (exact or learned): the map of the model
// itself, whatever the sampler's condition. No GL: tests/state drives it.
#pragma once
#include <memory>
#include <string>

#include "app/state/jobs.h"
#include "core/field/field.h"
#include "core/likelihood/flow_map_mesh.h"
#include "core/scene/layers/mesh_layer.h"
#include "core/scene/scene.h"

namespace scorelab::app {

struct FieldInputs;

// What a mesh was computed from.
struct FlowMeshKey {
  SdeParams sde{};
  long data_revision = -1;
  FieldSource source = FieldSource::Exact;
  long model_step = -1;  // -1: exact source
  bool ema = true;
  FlowDirection direction = FlowDirection::PriorToData;
  int lines = 0;
  bool operator==(const FlowMeshKey&) const = default;
};

class FlowMeshCache {
 public:
  // Starts the job for the panel's current key when it differs from the last one asked for
  // (cancelling a job still running), takes a finished job's mesh, and in scripted runs waits.
  // Nothing while a learned panel has no snapshot.
  void update(const FieldInputs& in, const MeshLayerSettings& cfg);

  // The newest finished mesh and its key; null before the first.
  const FlowMesh* mesh() const { return revision_ > 0 ? &mesh_ : nullptr; }
  const FlowMeshKey& key() const { return key_; }
  long revision() const { return revision_; }  // bumps with every new mesh (re-upload)
  bool running() const { return job_ && !job_->finished(); }
  double progress() const { return job_ ? job_->progress() : 0.0; }
  const std::string& error() const { return error_; }  // the last failed job's message
  int jobs_started() const { return started_; }        // for tests: how often it recomputed

 private:
  void take_finished();

  std::shared_ptr<Job<FlowMesh>> job_;
  FlowMeshKey asked_;         // the key of the last job started
  bool asked_valid_ = false;  // a job was started for asked_
  double asked_at_ = -1e9;    // when (seconds)
  FlowMeshKey job_key_;       // the running job's key
  FlowMesh mesh_;
  FlowMeshKey key_;  // mesh_'s
  long revision_ = 0;
  int started_ = 0;
  std::string error_;
};

}  // namespace scorelab::app
