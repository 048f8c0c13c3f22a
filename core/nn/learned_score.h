// A trained score model frozen in time: the network, its weights and their EMA, immutable and
// shared between the trainer (which publishes it) and any number of readers (which evaluate it).
#pragma once
#include <Eigen/Core>
#include <memory>

#include "core/nn/mlp.h"
#include "core/score/score_model.h"

namespace scorelab {

struct ModelSnapshot {
  std::shared_ptr<const Mlp> mlp;  // architecture + noise embedding
  Eigen::VectorXf params;          // raw weights (the optimiser's)
  Eigen::VectorXf ema;             // exponential moving average of the weights
  long step = 0;                   // optimisation steps taken
};

// The score of a snapshot as a ScoreModel. Evaluates in chunks with a per-thread workspace, so
// a 128×128 grid or 10,000 particles need one call and a bounded amount of memory, and several
// threads may evaluate at once. The level must have s > 0 (a learned score is conditioned on σ).
class LearnedScore final : public ScoreModel {
 public:
  LearnedScore(std::shared_ptr<const ModelSnapshot> snapshot, bool use_ema);

  void score(const Points& x, const NoiseLevel& level, Points& out) const override;
  // ∇·s exactly, as the trace of the network's 2×2 input Jacobian (two forward tangents, about
  // 3× the cost of score()). No log-density: that needs the probability-flow ODE.
  bool has_divergence() const override { return true; }
  void divergence(const Points& x, const NoiseLevel& level, Values& out) const override;
  // Both from one forward with two tangents (the score is that forward's output): ~3/4 the cost
  // of the two calls.
  void score_and_divergence(const Points& x, const NoiseLevel& level, Points& score_out,
                            Values& div_out) const override;
  // J v exactly, one forward tangent per point.
  bool has_jvp() const override { return true; }
  void jvp(const Points& x, const NoiseLevel& level, const Points& v, Points& out) const override;
  // A class-conditional network's classes (MlpConfig::classes): score() is its ∅ output and
  // class_score(k) its output for label k.
  int classes() const override { return snap_->mlp->config().classes; }
  void class_score(const Points& x, const NoiseLevel& level, int k, Points& out) const override;
  // A velocity network (OutputScaling::Velocity) answers its output h, the straight path's
  // velocity, finite to t = 1; the other output scalings answer only the score.
  bool has_velocity() const override;
  void velocity(const Points& x, const NoiseLevel& level, Points& out) const override;
  const ModelSnapshot& snapshot() const { return *snap_; }
  bool uses_ema() const { return use_ema_; }

 private:
  void labelled_score(const Points& x, const NoiseLevel& level, int label, Points& out) const;

  std::shared_ptr<const ModelSnapshot> snap_;
  bool use_ema_;
};

}  // namespace scorelab
