#include "core/nn/learned_score.h"

#include <array>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/error.h"

namespace scorelab {

LearnedScore::LearnedScore(std::shared_ptr<const ModelSnapshot> snapshot, bool use_ema)
    : snap_(std::move(snapshot)), use_ema_(use_ema) {
  assert(snap_ && snap_->mlp);
}

namespace {

constexpr Index kChunk = 1024;  // points per forward: activations stay ~1.5 MB at width 128

void check_level(const Mlp& mlp, const NoiseLevel& level) {
  if (!(level.s > 0) || !std::isfinite(level.s) || !std::isfinite(level.t))
    throw InputError("the learned score needs a noise level with s > 0, got s = " +
                     std::to_string(level.s));
  // The velocity output's score conversion holds on the straight path only (mlp.h). The window
  // floors a field's s at 1e-3 (kMinFieldStd) without moving m, so a level within 1e-2 of the
  // path is served; any other process's levels are far off it (VP at t = 0.5: m + s = 1.23).
  if (mlp.config().output == OutputScaling::Velocity && std::abs(level.m + level.s - 1) > 1e-2)
    throw InputError(
        "a velocity network (trained on the straight path, m = 1 - t, s = t) was asked at a "
        "level off that path (m = " +
        number_text(level.m) + ", s = " + number_text(level.s) +
        "): use noise.sde.kind rectified_flow");
}

// One level for all n points of a chunk (t, m and s: every output scaling reads what it needs),
// and one label (kNoLabel: ∅, the only one an unconditional network has).
void fill_level(LevelBatch<float>& lv, const NoiseLevel& level, int label, Index n) {
  lv.t.setConstant(n, static_cast<float>(level.t));
  lv.m.setConstant(n, static_cast<float>(level.m));
  lv.s.setConstant(n, static_cast<float>(level.s));
  lv.label.setConstant(n, label);
}

// The evaluations share one loop: the network over x in chunks of kChunk points at one level,
// with `tangents` (0, 1 or 2) directions pushed forward alongside, which set_dirs(i, n, dirs)
// fills for the chunk [i, i + n); take(i, n, ctx) copies the chunk's results out. Workspaces are
// per thread, so several threads may evaluate one model at once. `label`: the class (kNoLabel: ∅).
template <class SetDirs, class Take>
void over_chunks(const ModelSnapshot& snap, bool use_ema, const Points& x, const NoiseLevel& level,
                 int tangents, SetDirs&& set_dirs, Take&& take, int label = kNoLabel) {
  check_level(*snap.mlp, level);
  thread_local Mlp::Context ctx;
  thread_local LevelBatch<float> lv;
  thread_local std::array<Points, Mlp::kMaxTangents> dirs;  // 2 × n each
  const Eigen::VectorXf& w = use_ema ? snap.ema : snap.params;
  std::array<const Points*, Mlp::kMaxTangents> dir_ptrs{};
  for (int k = 0; k < tangents; ++k) dir_ptrs[std::size_t(k)] = &dirs[std::size_t(k)];
  for (Index i = 0; i < x.cols(); i += kChunk) {
    const Index n = std::min(kChunk, x.cols() - i);
    fill_level(lv, level, label, n);
    set_dirs(i, n, dirs);
    snap.mlp->forward(w, x.middleCols(i, n), lv, ctx, tangents, dir_ptrs, /*for_backward=*/false);
    take(i, n, ctx);
  }
}

using Dirs = std::array<Points, Mlp::kMaxTangents>;

// The unit directions e_x and e_y at every point: their tangents J e_x and J e_y give the
// divergence as (J e_x)_x + (J e_y)_y.
void unit_dirs(Index n, Dirs& dirs) {
  dirs[0].resize(2, n), dirs[1].resize(2, n);
  dirs[0].row(0).setOnes(), dirs[0].row(1).setZero();
  dirs[1].row(0).setZero(), dirs[1].row(1).setOnes();
}

}  // namespace

void LearnedScore::score(const Points& x, const NoiseLevel& level, Points& out) const {
  labelled_score(x, level, kNoLabel, out);
}

void LearnedScore::class_score(const Points& x, const NoiseLevel& level, int k,
                               Points& out) const {
  if (k < 0 || k >= classes()) throw std::out_of_range("class_score: no such class");
  labelled_score(x, level, k, out);
}

void LearnedScore::labelled_score(const Points& x, const NoiseLevel& level, int label,
                                  Points& out) const {
  out.resize(2, x.cols());
  over_chunks(
      *snap_, use_ema_, x, level, 0, [](Index, Index, Dirs&) {},
      [&](Index i, Index n, const Mlp::Context& ctx) { out.middleCols(i, n) = ctx.score; }, label);
}

void LearnedScore::divergence(const Points& x, const NoiseLevel& level, Values& out) const {
  out.resize(x.cols());
  over_chunks(
      *snap_, use_ema_, x, level, 2, [](Index, Index n, Dirs& d) { unit_dirs(n, d); },
      [&](Index i, Index n, const Mlp::Context& ctx) {
        out.segment(i, n) = (ctx.score_t[0].row(0) + ctx.score_t[1].row(1)).transpose();
      });
}

void LearnedScore::score_and_divergence(const Points& x, const NoiseLevel& level,
                                        Points& score_out, Values& div_out) const {
  score_out.resize(2, x.cols());
  div_out.resize(x.cols());
  over_chunks(
      *snap_, use_ema_, x, level, 2, [](Index, Index n, Dirs& d) { unit_dirs(n, d); },
      [&](Index i, Index n, const Mlp::Context& ctx) {
        score_out.middleCols(i, n) = ctx.score;
        div_out.segment(i, n) = (ctx.score_t[0].row(0) + ctx.score_t[1].row(1)).transpose();
      });
}

bool LearnedScore::has_velocity() const {
  return snap_->mlp->config().output == OutputScaling::Velocity;
}

void LearnedScore::velocity(const Points& x, const NoiseLevel& level, Points& out) const {
  if (!has_velocity())
    throw std::logic_error("this learned score has no velocity (check has_velocity())");
  out.resize(2, x.cols());
  over_chunks(
      *snap_, use_ema_, x, level, 0, [](Index, Index, Dirs&) {},
      [&](Index i, Index n, const Mlp::Context& ctx) { out.middleCols(i, n) = ctx.h; });
}

void LearnedScore::jvp(const Points& x, const NoiseLevel& level, const Points& v,
                       Points& out) const {
  assert(v.cols() == x.cols());
  out.resize(2, x.cols());
  over_chunks(
      *snap_, use_ema_, x, level, 1, [&](Index i, Index n, Dirs& d) { d[0] = v.middleCols(i, n); },
      [&](Index i, Index n, const Mlp::Context& ctx) { out.middleCols(i, n) = ctx.score_t[0]; });
}

}  // namespace scorelab
