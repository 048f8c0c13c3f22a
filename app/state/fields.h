// PanelFields: one plot panel's computed fields (density, score arrows, streamlines, error), each
// with the inputs it was computed for, so it is recomputed only when the view, the level, the
// data or the model snapshot changed. Learned fields are also rate-limited while training (a new
// snapshot arrives ~30 times a second; a learned grid costs milliseconds).
#pragma once
#include <algorithm>
#include <vector>

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
  ErrorField error;
  FieldStats stats;
  long revision = 0;
};

struct PanelFields {
  DensityField density;
  ArrowField arrows;
  ErrorMap error;
  double learned_arrows_at = -1e9, error_at = -1e9;  // when last computed (seconds)
  bool arrows_valid = false, error_valid = false;
};

// The inputs of one panel's update.
struct FieldInputs {
  view::WorldRect rect;
  NoiseLevel level;
  const LayersConfig* layers = nullptr;
  const ScoreModel* exact = nullptr;
  const ScoreModel* learned = nullptr;  // null before the first snapshot
  FieldSource source = FieldSource::Exact;
  long data_revision = 0;
  long model_step = -1;
  bool ema = true;
  double now = 0;         // seconds, for the rate limits
  bool scripted = false;  // no rate limits (deterministic frames)
};

void update_fields(PanelFields& f, const FieldInputs& in);

// The bottom of the density colour scale: `range` nats below the maximum, but never below the
// view's minimum, so a flat density (high noise) still spans the colormap.
inline float density_floor(const FieldStats& stats, const LayersConfig::Density& cfg) {
  return std::max(stats.max - float(cfg.range), std::min(stats.min, stats.max - 1e-3f));
}

}  // namespace scorelab::app
