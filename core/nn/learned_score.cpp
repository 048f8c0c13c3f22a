#include "core/nn/learned_score.h"

#include <cassert>
#include <string>

#include "core/common/error.h"

namespace scorelab {

LearnedScore::LearnedScore(std::shared_ptr<const ModelSnapshot> snapshot, bool use_ema)
    : snap_(std::move(snapshot)), use_ema_(use_ema) {
  assert(snap_ && snap_->mlp);
}

void LearnedScore::score(const Points& x, const NoiseLevel& level, Points& out) const {
  if (!(level.s > 0) || !std::isfinite(level.s) || !std::isfinite(level.t))
    throw InputError("the learned score needs a noise level with s > 0, got s = " +
                     std::to_string(level.s));
  constexpr Index kChunk = 1024;  // points per forward: activations stay ~1.5 MB at width 128
  thread_local Mlp::Context ctx;
  thread_local LevelBatch<float> lv;
  const Mlp& mlp = *snap_->mlp;
  const Eigen::VectorXf& w = use_ema_ ? snap_->ema : snap_->params;
  out.resize(2, x.cols());
  for (Index i = 0; i < x.cols(); i += kChunk) {
    const Index n = std::min(kChunk, x.cols() - i);
    lv.t.setConstant(n, static_cast<float>(level.t));
    lv.m.setConstant(n, static_cast<float>(level.m));
    lv.s.setConstant(n, static_cast<float>(level.s));
    mlp.forward(w, x.middleCols(i, n), lv, ctx, 0, {}, /*for_backward=*/false);
    out.middleCols(i, n) = ctx.score;
  }
}

}  // namespace scorelab
