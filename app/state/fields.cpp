// Recomputing a panel's fields when their inputs changed (see fields.h).
#include "app/state/fields.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/state/app_context.h"
#include "core/likelihood/encoding.h"
#include "core/likelihood/likelihood.h"
#include "core/sample/probability_flow.h"
#include "core/scene/exact_score.h"
#include "core/scene/streams.h"

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
  FieldKey k;
  k.grid = g;
  k.t = in.level.t, k.m = in.level.m, k.s = in.level.s;
  k.data_revision = in.data_revision;
  k.model_step = learned ? in.model_step : -1;
  k.ema = learned ? in.ema : true;
  return k;
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
                    const FieldInputs& in, const ScoreLayerSettings& cfg) {
  a.base = key.grid.points();
  // The velocity is the scene SDE's probability flow at the panel's time (ArrowQuantity).
  if (cfg.field == ArrowQuantity::Velocity)
    flow_velocity(model, Sde(in.scene->noise.sde), a.base, in.level.t, a.raw);
  else
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
  a.field = cfg.field;
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
  in.scene = &ctx.scene();
  in.source = ctx.panel(panel).source;
  in.exact = ctx.exact_shared();
  in.learned = ctx.learned();
  in.guided = ctx.guided(in.source);
  in.data_points = &ctx.data_points();
  in.model = ctx.shown().model;
  in.data_revision = ctx.data_revision();
  in.model_step = ctx.model_step();
  in.ema = ctx.scene().ui.use_ema;
  in.model_density_requests = ctx.model_density_requests();
  in.model_density_cancels = ctx.model_density_cancels();
  in.jobs = &ctx.jobs();
  in.now = now;
  in.scripted = ctx.mode().scripted;
  return in;
}

const DensityField& PanelFields::density(const FieldInputs& in, int resolution) {
  const FieldKey key = key_for(grid_over(in.rect, resolution), in, false);
  if (!(key == density_.key)) compute_density(density_, key, in);
  return density_;
}

const ArrowField* PanelFields::arrows(const FieldInputs& in, const ScoreLayerSettings& cfg) {
  const bool learned = in.source == FieldSource::Learned;
  // A guided scene's arrows are the score its particles follow (the guided one), never the
  // unguided field the heatmap's conditional density would contradict.
  const ScoreModel* model = in.guided ? in.guided : learned ? in.learned : in.exact.get();
  if (!model || (learned && !in.learned)) {
    arrows_valid_ = false;  // learned source without a snapshot yet: nothing to draw
    return nullptr;
  }
  // A learned grid costs ~75 kFLOP per arrow: at most 48 across.
  const int across = learned ? std::min(cfg.grid, 48) : cfg.grid;
  FieldKey key = key_for(grid_over(in.rect, across), in, learned);
  if (in.guided) key.condition = *sampler_condition(in.scene->sampler);
  const bool settings = arrows_.field != cfg.field || arrows_.length != cfg.length ||
                        arrows_.scale != cfg.scale ||
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

const ErrorMap* PanelFields::error(const FieldInputs& in, const ErrorLayerSettings& cfg) {
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

namespace {

// The cell centres of `g`, except that under imputation the cells the imputed line crosses are
// sampled on it. Imputation pins the observed coordinate at m·a with the level's std s alone
// (s = 0.01 at t ≈ 0), so p_t(x | a) is a ridge far thinner than a texel; sampled at the cell
// centres it read −78 nats everywhere and the heatmap showed the floor colour only (lesson 10.3).
// On the line, each of those cells shows the ridge's crest, the largest value in the cell.
Points on_imputed_line(const Grid& g, const Conditioning& k, double m) {
  Points x = g.points();
  if (k.kind != Conditioning::Kind::Imputation) return x;
  if (k.observe != Conditioning::Observe::X2) {  // x1 observed: one column
    const double v = m * k.x1;
    const int i = int(std::floor((v - g.x0) / g.dx()));
    if (i >= 0 && i < g.nx)
      for (int j = 0; j < g.ny; ++j) x(0, Index(j) * g.nx + i) = float(v);
  }
  if (k.observe != Conditioning::Observe::X1) {  // x2 observed: one row
    const double v = m * k.x2;
    const int j = int(std::floor((v - g.y0) / g.dy()));
    if (j >= 0 && j < g.ny)
      for (int i = 0; i < g.nx; ++i) x(1, Index(j) * g.nx + i) = float(v);
  }
  return x;
}

}  // namespace

const ConditionalDensity* PanelFields::conditional(const FieldInputs& in, int resolution) {
  const Scene& scene = *in.scene;
  const Conditioning* k = sampler_condition(scene.sampler);
  const auto comps = mixture_components(scene.data);
  if (!k || k->kind == Conditioning::Kind::None || !comps) {
    conditional_valid_ = false;
    return nullptr;
  }
  FieldKey key = key_for(grid_over(in.rect, resolution), in, false);
  key.condition = *k;
  if (conditional_valid_ && key == conditional_.key) return &conditional_;
  conditional_valid_ = false;
  try {
    conditional_target(*comps, *k)
        .log_density(on_imputed_line(key.grid, *k, in.level.m), in.level, conditional_.log_p);
  } catch (const InputError&) {
    return nullptr;  // the edit path reports a bad condition; the plain density is drawn
  }
  conditional_.stats = value_stats(conditional_.log_p);
  replace_non_finite(conditional_.log_p, conditional_.stats.min);
  conditional_.key = key;
  ++conditional_.revision;
  conditional_valid_ = true;
  return &conditional_;
}

const DensityOutline* PanelFields::outline(const FieldInputs& in, double quantile) {
  FieldKey key;
  key.t = in.level.t, key.m = in.level.m, key.s = in.level.s;
  key.data_revision = in.data_revision;
  if (key == outline_.key && quantile == outline_.quantile)
    return outline_valid_ ? &outline_ : nullptr;
  outline_.key = key;
  outline_.quantile = quantile;
  outline_valid_ = false;
  const Points& data = *in.data_points;
  if (data.cols() == 0) return nullptr;
  const Index step = std::max<Index>(1, data.cols() / 1000);
  Points x(2, (data.cols() + step - 1) / step);
  for (Index i = 0, j = 0; i < data.cols(); i += step, ++j) x.col(j) = data.col(i);
  Values log_p;
  if (!exact_log_density(*in.exact, x, in.level, log_p)) return nullptr;
  std::vector<float> v;
  for (Index i = 0; i < log_p.size(); ++i)
    if (std::isfinite(log_p[i])) v.push_back(log_p[i]);
  if (v.empty()) return nullptr;
  const std::size_t k = std::min(v.size() - 1, std::size_t(quantile * double(v.size())));
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
  outline_.threshold = v[k];
  outline_valid_ = true;
  return &outline_;
}

const Encoding* PanelFields::encoding(const FieldInputs& in, int points) {
  constexpr double kTol = 1e-5;
  constexpr double kLearnedInterval = 2.0;  // seconds between learned recomputes while training
  const bool learned = in.source == FieldSource::Learned;
  const ScoreModel* model = learned ? in.learned : in.exact.get();
  if (!model) return nullptr;
  FieldKey key;
  key.sde = in.scene->noise.sde;
  key.data_revision = in.data_revision;
  key.model_step = learned ? in.model_step : -1;
  key.ema = learned ? in.ema : true;
  const bool same_settings = encoding_valid_ && encoding_.source == in.source &&
                             encoding_.points == points;
  if (same_settings && key == encoding_.key) return &encoding_;
  // A newer snapshot of the same model alone is taken at most every kLearnedInterval.
  const bool only_step = same_settings && learned && only_snapshot_changed(encoding_.key, key);
  if (only_step && !in.scripted && in.now - encoding_.computed_at < kLearnedInterval)
    return &encoding_;
  Encoding& e = encoding_;
  e.key = key;
  e.source = in.source;
  e.points = points;
  e.computed_at = in.now;
  const Points& all = *in.data_points;
  e.data = all.leftCols(std::min<Index>(points, all.cols()));
  try {
    const Sde sde(key.sde);
    const double eps = likelihood_start_time(key.sde, 0.0);
    PointsT<double> codes, back;
    encode(*model, sde, e.data, eps, kTol, codes);
    decode(*model, sde, codes, eps, kTol, back);
    e.codes = codes.cast<float>();
    e.decoded = back.cast<float>();
    e.max_error =
        e.data.cols() ? (back - e.data.cast<double>()).colwise().norm().maxCoeff() : 0;
    e.error.clear();
  } catch (const std::exception& ex) {
    e.codes.resize(2, 0), e.decoded.resize(2, 0);
    e.error = std::string("encoding: ") + ex.what();
  }
  ++e.revision;
  encoding_valid_ = true;
  return &encoding_;
}

const ModelDensityPanel& PanelFields::model_density(const FieldInputs& in,
                                                    const ModelDensityLayerSettings& cfg) {
  ModelDensityPanel& st = model_density_;
  if (in.model_density_cancels != st.seen_cancels) {
    st.seen_cancels = in.model_density_cancels;
    st.density.cancel();
  }
  const bool asked = in.model_density_requests != st.seen_requests;
  const bool exact = in.source == FieldSource::Exact;
  if ((asked || !st.started) && (exact || in.model)) {
    st.seen_requests = in.model_density_requests;
    st.started = true;
    st.error.clear();
    const Scene& s = *in.scene;
    ModelDensityRequest r;
    r.grid = grid_over(in.rect, cfg.resolution);
    if (exact)
      r.exact = in.exact;
    else
      r.model = in.model;
    r.ema = s.ui.use_ema;
    r.sde = s.noise.sde;
    r.tol = cfg.tol;
    r.eps = likelihood_start_time(s.noise.sde, in.level.t);
    r.nll_points = cfg.nll_points;
    r.data = make_data_source(s.data);
    r.rng = scene_streams(s.seed).held_out;  // the same draws for any map of the scene
    st.density.start(*in.jobs, std::move(r));
  }
  if (in.scripted) st.density.wait();
  if (st.density.poll(&st.error)) {
    // The exact NLL of the same draws at the same level, here on the UI thread (the exact model
    // belongs to it).
    ModelDensityMap& m = *st.density.map();
    if (m.held_out.cols() > 0 && in.exact->has_log_density()) {
      Values lp;
      in.exact->log_density(m.held_out, Sde(in.scene->noise.sde).level(m.eps), lp);
      m.nll_exact = mean_nll(lp);
    }
  }
  return st;
}

}  // namespace scorelab::app
