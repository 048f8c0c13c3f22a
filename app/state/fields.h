// PanelFields: everything one plot panel shows that is computed from the scene — the density, the
// score arrows and streamlines, the error map, the guided (conditional) density, the low-density
// outline, the PF-ODE encoding and the model-density map — each kept with the FieldKey it was
// computed for, so it is recomputed exactly when something it depends on changed. The AppContext
// owns one per panel (derived state has one owner); the layers (app/layers) ask for what they
// draw in their compute step and read it in their draw. Learned fields are also rate-limited
// while training (a new snapshot arrives ~30 times a second; a learned grid costs milliseconds).
// No GL: tests/state checks every cache's invalidation directly.
#pragma once
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "app/state/flow_mesh.h"
#include "app/state/jobs.h"
#include "app/state/model_density.h"
#include "app/view/camera.h"
#include "core/field/field.h"
#include "core/sample/conditioning.h"
#include "core/scene/scene.h"
#include "core/train/trainer.h"

namespace scorelab::app {

class AppContext;

// Floor of the noise std for fields: empirical mixtures and learned scores need s > 0 (VP and
// sub-VP reach s = 0 at t = 0).
inline constexpr double kMinFieldStd = 1e-3;

// The colour range of log p shared by every panel and level (layers.density.lock_scale): the top is
// the largest log p of the data points at the smallest level (t = 0, its std at least kMinFieldStd
// and the median distance between neighbouring points, below which an empirical mixture is only
// spikes), the bottom `range` nats below. In small multiples across SDEs the top is the largest
// over the three processes' smallest levels, so one colour means one log p in every panel.
struct DensityScale {
  bool valid = false;  // false without an exact log-density
  float top = 0;       // nats
  // The colours use it: layers.density.lock_scale, or always in small multiples (comparing the
  // panels is their point, so their colours must mean the same log p whatever the lock says).
  bool locked = false;
};

// What a derived result was computed from: recompute when any part differs. One key type for
// every cache of PanelFields; a result leaves the parts it does not depend on at their defaults
// (a density at one level does not depend on the rest of the process; an encoding integrates over
// all of it, so its key holds the whole SDE).
struct FieldKey {
  Grid grid;
  double t = -1, m = 0, s = 0;  // the level
  SdeParams sde{};              // the whole process (encoding, model density), else default
  long data_revision = -1;
  long model_step = -1;         // -1: exact source
  bool ema = true;
  std::optional<Conditioning> condition;  // what a guided result is conditioned on
  bool operator==(const FieldKey&) const = default;
};

struct DensityField {
  FieldKey key;
  Values log_density;  // grid.size(), non-finite replaced by the minimum
  FieldStats stats;
  long revision = 0;   // bumps on every recompute (the renderer re-uploads)
};

struct ArrowField {
  FieldKey key;
  ArrowQuantity field = ArrowQuantity::Score;  // what raw holds: the score or the velocity
  ArrowLength length = ArrowLength::Log;
  double scale = 1;
  Points base, vec;    // 2 × n: grid points and drawn arrow vectors (data units)
  Values color;        // n, magnitude mapped to [0, 1]
  FieldStats magnitude;
  Points raw;  // 2 × n: the score or velocity itself (streamlines trace it)
  std::vector<Points> streamlines;
  int seeds = 0;
  long revision = 0;
};

struct ErrorMap {
  FieldKey key;
  ErrorKind kind = ErrorKind::Relative;
  ErrorField error;
  FieldStats stats;
  long revision = 0;
};

// The exact density of the data conditioned on the sampler's observation or class, at the
// panel's level, on the density field's grid: what the guided particles sample. Guidance only
// (imputation has no exact target) and mixture data only.
struct ConditionalDensity {
  FieldKey key;        // with its condition
  Values log_p;        // grid.size(), nats, non-finite replaced by the minimum
  FieldStats stats;
  long revision = 0;
};

// The low-density outline's level: log p at its `quantile` over (at most 1,000 evenly spaced)
// data points at the panel's level; the error layer draws the contour of the density field there.
struct DensityOutline {
  FieldKey key;
  double quantile = -1;
  float threshold = 0;  // nats
};

// The probability-flow ODE as an encoder: the first `points` data points forwards from t = eps to
// their codes x(T), then the codes back to t = eps (RK45, rtol = atol = 1e-5), with the panel's
// score. 100 points take a few milliseconds exact, ~0.1 s learned, so while training runs a
// learned encoding is redone at most every 2 s (scripted runs: whenever the model changed).
struct Encoding {
  FieldKey key;
  FieldSource source = FieldSource::Exact;
  int points = 0;
  Points data, codes, decoded;  // 2 × n, data units
  double max_error = 0;         // the round trip's largest distance, data units
  std::string error;            // why there is no encoding ("" when there is one)
  double computed_at = -1e9;    // seconds
  long revision = 0;
};

// The inputs of one panel's fields this frame.
struct FieldInputs {
  view::WorldRect rect;
  NoiseLevel level;
  const Scene* scene = nullptr;         // data, sampler (condition), noise, layers' settings
  std::shared_ptr<const ScoreModel> exact;  // shared: a background job may outlive a data edit
  const ScoreModel* learned = nullptr;  // null before the first snapshot
  // The source's score with the scene's guidance added (what guided particles follow); null when
  // the scene's condition does not guide.
  const ScoreModel* guided = nullptr;
  const Points* data_points = nullptr;  // the training samples shown
  // The weights `learned` is of (live or scrubbed, AppContext::shown()); null before the first.
  std::shared_ptr<const ModelSnapshot> model;
  FieldSource source = FieldSource::Exact;
  long data_revision = 0;
  long model_step = -1;
  bool ema = true;
  // How many times the model-density map was requested / cancelled (AppContext's counters).
  long model_density_requests = 0, model_density_cancels = 0;
  JobRunner* jobs = nullptr;  // the context's one job runner (the model-density map)
  double now = 0;             // seconds, for the rate limits
  bool scripted = false;      // no rate limits, and jobs are waited for (deterministic frames)
};

// Panel p's inputs from the context (its level and source as derived this frame).
FieldInputs field_inputs(const AppContext& ctx, int panel, const view::WorldRect& rect,
                         double now);

// The model-density map of one panel and its job (of the learned model, or on an exact panel
// with PanelConfig::ode_density of the exact score): computed the first time a panel shows it, then only on request (M, or the button), never by itself when the view or the model moves
// on — a 128×128 map at rtol 1e-5 takes seconds of both cores.
struct ModelDensityPanel {
  ModelDensity density;
  long seen_requests = 0, seen_cancels = 0;
  bool started = false;  // the first (automatic) computation was asked for
  std::string error;     // the last failed job's message
};

// One panel's field cache. The layers ask for the fields they draw; each is recomputed only when
// its key changed, so two layers sharing a field (density and contours; arrows and streamlines)
// compute it once.
class PanelFields {
 public:
  // log p on a grid `resolution` texels across (always the exact density: the learned model has
  // no density of its own yet).
  const DensityField& density(const FieldInputs& in, int resolution);
  // The score grid of the panel's source, its arrows and (cfg.streamlines) streamlines; null for a
  // learned source without a snapshot.
  const ArrowField* arrows(const FieldInputs& in, const ScoreLayerSettings& cfg);
  // The error of the learned score (cfg.kind: relative or p-weighted); null without a snapshot.
  const ErrorMap* error(const FieldInputs& in, const ErrorLayerSettings& cfg);
  // The exact conditional density on the density field's grid (`resolution`) while the sampler
  // has a condition (any kind or method: the exact target the samples should reach) and the data
  // is a mixture; null otherwise, or when the condition is refused (the edit path reports it).
  const ConditionalDensity* conditional(const FieldInputs& in, int resolution);
  // The outline's threshold at `quantile`; null without data or an exact log-density.
  const DensityOutline* outline(const FieldInputs& in, double quantile);
  // The encoding of the first `points` data points with the panel's score; null while a learned
  // source has no snapshot.
  const Encoding* encoding(const FieldInputs& in, int points);
  // Starts, cancels and takes the model-density map as the requests say (see ModelDensityPanel);
  // scripted runs wait for its job. Learned panels only.
  const ModelDensityPanel& model_density(const FieldInputs& in,
                                         const ModelDensityLayerSettings& cfg);
  const ModelDensityPanel& model_density() const { return model_density_; }
  // The flow-map mesh (flow_mesh.h), its job started or taken as the panel's key says.
  const FlowMeshCache& mesh(const FieldInputs& in, const MeshLayerSettings& cfg) {
    mesh_.update(in, cfg);
    return mesh_;
  }

 private:
  DensityField density_;
  ArrowField arrows_;
  ErrorMap error_;
  ConditionalDensity conditional_;
  DensityOutline outline_;
  Encoding encoding_;
  ModelDensityPanel model_density_;
  FlowMeshCache mesh_;
  double learned_arrows_at_ = -1e9, error_at_ = -1e9;  // when last computed (seconds)
  bool arrows_valid_ = false, error_valid_ = false, conditional_valid_ = false;
  bool outline_valid_ = false, encoding_valid_ = false;
};

// The log p values at the two ends of the density colormap.
struct DensityRange {
  float lo = 0, hi = 1;  // nats
  bool locked = false;   // the shared scale (same in every panel and at every level)
};

// Locked (shared.locked: cfg.lock_scale or small multiples, and a scale exists): [top − range, top]
// of the shared scale, so a flat density at high noise looks flat. Otherwise this view's own: from
// the maximum down `range` nats, but never below the view's minimum (a flat density then spans the
// whole colormap).
inline DensityRange density_range(const FieldStats& stats, const DensityLayerSettings& cfg,
                                  const DensityScale& shared) {
  if (shared.locked && shared.valid)
    return {shared.top - float(cfg.range), shared.top, true};
  return {std::max(stats.max - float(cfg.range), std::min(stats.min, stats.max - 1e-3f)),
          stats.max, false};
}

}  // namespace scorelab::app
