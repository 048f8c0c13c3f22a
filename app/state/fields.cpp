// Recomputing a panel's fields when their inputs changed (see fields.h).
#include "app/state/fields.h"

#include <algorithm>
#include <cmath>

namespace scorelab::app {

namespace {

// A grid of about `across` cells on the longer side of the panel's rectangle.
Grid grid_over(const view::WorldRect& r, int across) {
  const double aspect = r.hw / r.hh;
  const int nx = aspect >= 1 ? across : std::max(2, int(std::lround(across * aspect)));
  const int ny = aspect >= 1 ? std::max(2, int(std::lround(across / aspect))) : across;
  return {r.x0(), r.y0(), r.x1(), r.y1(), nx, ny};
}

FieldKey key_for(const Grid& g, const FieldInputs& in, bool learned) {
  return {g, in.level.t, in.level.m, in.level.s, in.data_revision,
          learned ? in.model_step : -1, learned ? in.ema : true};
}

// Only the model step differs: a newer snapshot of the same view (rate-limited).
bool only_snapshot_changed(const FieldKey& a, const FieldKey& b) {
  FieldKey c = a;
  c.model_step = b.model_step;
  return c == b;
}

void compute_density(DensityField& d, const FieldKey& key, const FieldInputs& in) {
  const Points x = key.grid.points();
  Values lp;
  exact_log_density(*in.exact, x, in.level, lp);
  d.stats = value_stats(lp);
  replace_non_finite(lp, d.stats.min);
  d.log_density = std::move(lp);
  d.key = key;
  ++d.revision;
}

void compute_arrows(ArrowField& a, const FieldKey& key, const ScoreModel& model,
                    const FieldInputs& in, const LayersConfig::Score& cfg) {
  a.base = key.grid.points();
  model.score(a.base, in.level, a.raw);
  replace_non_finite(a.raw);
  const Values mag = magnitudes(a.raw);
  a.magnitude = value_stats(mag);
  // One grid cell is the natural arrow length: arrows then never overlap their neighbours.
  const double cell = std::min(key.grid.dx(), key.grid.dy());
  const double top = std::max(double(a.magnitude.robust_max), 1e-30);
  Values sorted = mag;
  std::nth_element(sorted.data(), sorted.data() + sorted.size() / 2,
                   sorted.data() + sorted.size());
  const double median = std::max(double(sorted[sorted.size() / 2]), 1e-12 * top);
  a.vec.resize(2, a.base.cols());
  a.color.resize(a.base.cols());
  for (Index i = 0; i < a.base.cols(); ++i) {
    const double m = mag[i];
    double len = 0;  // in cells
    switch (cfg.length) {
      case ArrowLength::Normalized: len = 0.8; break;
      case ArrowLength::Scaled: len = std::min(m / top, 1.5); break;
      // Compressive from a tenth of the median up: an arrow at the median is ~70% of the longest
      // (about a third in "scaled"), one at a tenth of it still ~20% (3% in "scaled").
      case ArrowLength::Log:
        len = 0.9 * std::log1p(10 * m / median) / std::log1p(10 * top / median);
        break;
    }
    len = std::min(len, 1.5) * cfg.scale * cell;
    a.vec.col(i) = a.raw.col(i) * static_cast<float>(m > 0 ? len / m : 0.0);
    a.color[i] = static_cast<float>(std::clamp(std::log1p(m / median) / std::log1p(top / median),
                                               0.0, 1.0));
  }
  a.length = cfg.length;
  a.scale = cfg.scale;
  a.streamlines.clear();
  if (cfg.streamlines) {
    const Grid seeds_grid = grid_over(in.rect, cfg.seeds);
    a.streamlines = trace_streamlines(key.grid, a.raw, seeds_grid.points(), 0.3 * cell, 400);
  }
  a.seeds = cfg.streamlines ? cfg.seeds : 0;
  a.key = key;
  ++a.revision;
}

}  // namespace

FieldInputs field_inputs(const AppContext& ctx, int panel, const view::WorldRect& rect,
                         double now) {
  FieldInputs in;
  in.rect = rect;
  in.level = ctx.panel(panel).level;
  in.source = ctx.panel(panel).source;
  in.exact = &ctx.exact();
  in.learned = ctx.learned();
  in.data_revision = ctx.data_revision();
  in.model_step = ctx.model_step();
  in.ema = ctx.scene().ui.use_ema;
  in.now = now;
  in.scripted = ctx.mode().scripted;
  return in;
}

const DensityField& PanelFields::density(const FieldInputs& in, int resolution) {
  const FieldKey key = key_for(grid_over(in.rect, resolution), in, false);
  if (!(key == density_.key)) compute_density(density_, key, in);
  return density_;
}

const ArrowField* PanelFields::arrows(const FieldInputs& in, const LayersConfig::Score& cfg) {
  const bool learned = in.source == FieldSource::Learned;
  const ScoreModel* model = learned ? in.learned : in.exact;
  if (!model) {
    arrows_valid_ = false;  // learned source without a snapshot yet: nothing to draw
    return nullptr;
  }
  // A learned grid costs ~75 kFLOP per arrow: at most 48 across.
  const int across = learned ? std::min(cfg.grid, 48) : cfg.grid;
  const FieldKey key = key_for(grid_over(in.rect, across), in, learned);
  const bool settings = arrows_.length != cfg.length || arrows_.scale != cfg.scale ||
                        arrows_.seeds != (cfg.streamlines ? cfg.seeds : 0);
  const bool stale = !arrows_valid_ || settings || !(key == arrows_.key);
  const bool throttled = learned && !in.scripted && arrows_valid_ && !settings &&
                         only_snapshot_changed(arrows_.key, key) &&
                         in.now - learned_arrows_at_ < 0.1;
  if (stale && !throttled) {
    compute_arrows(arrows_, key, *model, in, cfg);
    arrows_valid_ = true;
    if (learned) learned_arrows_at_ = in.now;
  }
  return &arrows_;
}

const ErrorMap* PanelFields::error(const FieldInputs& in, const LayersConfig::Error& cfg) {
  if (!in.learned) return nullptr;
  const FieldKey key = key_for(grid_over(in.rect, cfg.resolution), in, true);
  const bool kind_changed = error_.kind != cfg.kind;
  const bool stale = !error_valid_ || kind_changed || !(key == error_.key);
  // ~10 ms for a 96-wide map: a few times a second while training, at once on a view change.
  const bool throttled = !in.scripted && error_valid_ && !kind_changed &&
                         only_snapshot_changed(error_.key, key) && in.now - error_at_ < 0.3;
  if (stale && !throttled) {
    const Points x = key.grid.points();
    error_.error = cfg.kind == ErrorKind::Relative
                       ? relative_score_error(*in.exact, *in.learned, x, in.level)
                       : weighted_score_error(*in.exact, *in.learned, x, in.level);
    error_.kind = cfg.kind;
    error_.stats = value_stats(error_.error.per_point);
    error_.key = key;
    ++error_.revision;
    error_valid_ = true;
    error_at_ = in.now;
  }
  return &error_;
}

}  // namespace scorelab::app
