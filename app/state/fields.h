// PanelFields: one plot panel's computed fields (density, score arrows, streamlines, error), each
// with the inputs it was computed for, so it is recomputed only when the view, the level, the
// data or the model snapshot changed. The layers (app/layers) ask for them. Learned fields are also rate-limited while training (a new
// snapshot arrives ~30 times a second; a learned grid costs milliseconds).
#pragma once
#include <algorithm>
#include <vector>

#include "app/state/app_context.h"
#include "app/view/camera.h"
#include "core/field/field.h"
#include "core/scene/scene.h"

namespace scorelab::app {

// What a field was computed from; recompute when any part differs.
struct FieldKey {
  Grid grid;
  double t = -1, m = 0, s = 0;  // the level
  long data_revision = -1;
  long model_step = -1;         // -1: exact source
  bool ema = true;
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
  ArrowLength length = ArrowLength::Log;
  double scale = 1;
  Points base, vec;    // 2 × n: grid points and drawn arrow vectors (data units)
  Values color;        // n, magnitude mapped to [0, 1]
  FieldStats magnitude;
  Points raw;          // 2 × n: the score itself (streamlines trace it)
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

// The inputs of one panel's fields this frame.
struct FieldInputs {
  view::WorldRect rect;
  NoiseLevel level;
  const ScoreModel* exact = nullptr;
  const ScoreModel* learned = nullptr;  // null before the first snapshot
  FieldSource source = FieldSource::Exact;
  long data_revision = 0;
  long model_step = -1;
  bool ema = true;
  double now = 0;         // seconds, for the rate limits
  bool scripted = false;  // no rate limits (deterministic frames)
};

// Panel p's inputs from the context (its level and source as derived this frame).
FieldInputs field_inputs(const AppContext& ctx, int panel, const view::WorldRect& rect,
                         double now);

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
  const ArrowField* arrows(const FieldInputs& in, const LayersConfig::Score& cfg);
  // The error of the learned score (cfg.kind: relative or p-weighted); null without a snapshot.
  const ErrorMap* error(const FieldInputs& in, const LayersConfig::Error& cfg);

 private:
  DensityField density_;
  ArrowField arrows_;
  ErrorMap error_;
  double learned_arrows_at_ = -1e9, error_at_ = -1e9;  // when last computed (seconds)
  bool arrows_valid_ = false, error_valid_ = false;
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
inline DensityRange density_range(const FieldStats& stats, const LayersConfig::Density& cfg,
                                  const DensityScale& shared) {
  if (shared.locked && shared.valid)
    return {shared.top - float(cfg.range), shared.top, true};
  return {std::max(stats.max - float(cfg.range), std::min(stats.min, stats.max - 1e-3f)),
          stats.max, false};
}

}  // namespace scorelab::app
