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
                    const FieldInputs& in) {
  const LayersConfig::Score& cfg = in.layers->score;
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
      case ArrowLength::Log: len = 0.9 * std::log1p(m / median) / std::log1p(top / median); break;
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

void update_fields(PanelFields& f, const FieldInputs& in) {
  const LayersConfig& layers = *in.layers;

  if (layers.density.on) {
    const FieldKey key = key_for(grid_over(in.rect, layers.density.resolution), in, false);
    if (!(key == f.density.key)) compute_density(f.density, key, in);
  }

  const bool learned = in.source == FieldSource::Learned;
  const ScoreModel* model = learned ? in.learned : in.exact;
  if (layers.score.on && model) {
    // A learned grid costs ~75 kFLOP per arrow: at most 48 across.
    const int across = learned ? std::min(layers.score.grid, 48) : layers.score.grid;
    const FieldKey key = key_for(grid_over(in.rect, across), in, learned);
    const bool settings = f.arrows.length != layers.score.length ||
                          f.arrows.scale != layers.score.scale ||
                          f.arrows.seeds != (layers.score.streamlines ? layers.score.seeds : 0);
    const bool stale = !f.arrows_valid || settings || !(key == f.arrows.key);
    const bool throttled = learned && !in.scripted && f.arrows_valid && !settings &&
                           only_snapshot_changed(f.arrows.key, key) &&
                           in.now - f.learned_arrows_at < 0.1;
    if (stale && !throttled) {
      compute_arrows(f.arrows, key, *model, in);
      f.arrows_valid = true;
      if (learned) f.learned_arrows_at = in.now;
    }
  } else if (layers.score.on) {
    f.arrows_valid = false;  // learned source without a snapshot yet: nothing to draw
  }

  if (layers.error.on && in.learned) {
    const FieldKey key = key_for(grid_over(in.rect, layers.error.resolution), in, true);
    const bool stale = !f.error_valid || !(key == f.error.key);
    // ~10 ms for a 96-wide map: a few times a second while training, at once on a view change.
    const bool throttled = !in.scripted && f.error_valid &&
                           only_snapshot_changed(f.error.key, key) && in.now - f.error_at < 0.3;
    if (stale && !throttled) {
      f.error.error = weighted_score_error(*in.exact, *in.learned, key.grid.points(), in.level);
      f.error.stats = value_stats(f.error.error.per_point);
      f.error.key = key;
      ++f.error.revision;
      f.error_valid = true;
      f.error_at = in.now;
    }
  }
}

}  // namespace scorelab::app
