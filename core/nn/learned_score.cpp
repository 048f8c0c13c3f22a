#include "core/nn/learned_score.h"

#include <cassert>
#include <string>

#include "core/common/error.h"

namespace scorelab {

LearnedScore::LearnedScore(std::shared_ptr<const ModelSnapshot> snapshot, bool use_ema)
    : snap_(std::move(snapshot)), use_ema_(use_ema) {
  assert(snap_ && snap_->mlp);
}

namespace {

constexpr Index kChunk = 1024;  // points per forward: activations stay ~1.5 MB at width 128

void check_level(const NoiseLevel& level) {
  if (!(level.s > 0) || !std::isfinite(level.s) || !std::isfinite(level.t))
    throw InputError("the learned score needs a noise level with s > 0, got s = " +
                     std::to_string(level.s));
}

// One level for all n points of a chunk (t, m and s: every output scaling reads what it needs).
void fill_level(LevelBatch<float>& lv, const NoiseLevel& level, Index n) {
  lv.t.setConstant(n, static_cast<float>(level.t));
  lv.m.setConstant(n, static_cast<float>(level.m));
  lv.s.setConstant(n, static_cast<float>(level.s));
}

}  // namespace

void LearnedScore::score(const Points& x, const NoiseLevel& level, Points& out) const {
  check_level(level);
  thread_local Mlp::Context ctx;
  thread_local LevelBatch<float> lv;
  const Mlp& mlp = *snap_->mlp;
  const Eigen::VectorXf& w = use_ema_ ? snap_->ema : snap_->params;
  out.resize(2, x.cols());
  for (Index i = 0; i < x.cols(); i += kChunk) {
    const Index n = std::min(kChunk, x.cols() - i);
    fill_level(lv, level, n);
    mlp.forward(w, x.middleCols(i, n), lv, ctx, 0, {}, /*for_backward=*/false);
    out.middleCols(i, n) = ctx.score;
  }
}

void LearnedScore::divergence(const Points& x, const NoiseLevel& level, Values& out) const {
  check_level(level);
  thread_local Mlp::Context ctx;
  thread_local LevelBatch<float> lv;
  thread_local Points ex, ey;  // 2 × n: the unit directions e_x, e_y at every point
  const Mlp& mlp = *snap_->mlp;
  const Eigen::VectorXf& w = use_ema_ ? snap_->ema : snap_->params;
  out.resize(x.cols());
  for (Index i = 0; i < x.cols(); i += kChunk) {
    const Index n = std::min(kChunk, x.cols() - i);
    fill_level(lv, level, n);
    ex.resize(2, n), ey.resize(2, n);
    ex.row(0).setOnes(), ex.row(1).setZero();
    ey.row(0).setZero(), ey.row(1).setOnes();
    // Tangents J e_x and J e_y; the trace is (J e_x)_x + (J e_y)_y.
    mlp.forward(w, x.middleCols(i, n), lv, ctx, 2, {&ex, &ey}, /*for_backward=*/false);
    out.segment(i, n) = (ctx.score_t[0].row(0) + ctx.score_t[1].row(1)).transpose();
  }
}

void LearnedScore::score_and_divergence(const Points& x, const NoiseLevel& level,
                                        Points& score_out, Values& div_out) const {
  check_level(level);
  thread_local Mlp::Context ctx;
  thread_local LevelBatch<float> lv;
  thread_local Points ex, ey;
  const Mlp& mlp = *snap_->mlp;
  const Eigen::VectorXf& w = use_ema_ ? snap_->ema : snap_->params;
  score_out.resize(2, x.cols());
  div_out.resize(x.cols());
  for (Index i = 0; i < x.cols(); i += kChunk) {
    const Index n = std::min(kChunk, x.cols() - i);
    fill_level(lv, level, n);
    ex.resize(2, n), ey.resize(2, n);
    ex.row(0).setOnes(), ex.row(1).setZero();
    ey.row(0).setZero(), ey.row(1).setOnes();
    mlp.forward(w, x.middleCols(i, n), lv, ctx, 2, {&ex, &ey}, /*for_backward=*/false);
    score_out.middleCols(i, n) = ctx.score;
    div_out.segment(i, n) = (ctx.score_t[0].row(0) + ctx.score_t[1].row(1)).transpose();
  }
}

void LearnedScore::jvp(const Points& x, const NoiseLevel& level, const Points& v,
                       Points& out) const {
  check_level(level);
  assert(v.cols() == x.cols());
  thread_local Mlp::Context ctx;
  thread_local LevelBatch<float> lv;
  thread_local Points dir;  // 2 × n: this chunk's directions
  const Mlp& mlp = *snap_->mlp;
  const Eigen::VectorXf& w = use_ema_ ? snap_->ema : snap_->params;
  out.resize(2, x.cols());
  for (Index i = 0; i < x.cols(); i += kChunk) {
    const Index n = std::min(kChunk, x.cols() - i);
    fill_level(lv, level, n);
    dir = v.middleCols(i, n);
    mlp.forward(w, x.middleCols(i, n), lv, ctx, 1, {&dir}, /*for_backward=*/false);
    out.middleCols(i, n) = ctx.score_t[0];
  }
}

}  // namespace scorelab
