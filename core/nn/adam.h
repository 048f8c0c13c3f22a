// Adam with bias correction, linear learning-rate warm-up and gradient-norm clipping, on one flat
// parameter vector (PyTorch's torch.optim.Adam update; score_sde's optimization_manager for the
// warm-up and clipping). Hyperparameters apart from state.
#pragma once
#include <Eigen/Core>

namespace scorelab {

struct AdamConfig {
  double lr = 1e-3;        // learning rate (parameter units per unit of normalised gradient)
  double beta1 = 0.9;      // first-moment decay
  double beta2 = 0.999;    // second-moment decay
  double eps = 1e-8;       // added to √v̂
  int warmup = 0;          // steps of linear warm-up lr·min(step/warmup, 1); 0 = off
  double grad_clip = 1.0;  // max global gradient L2 norm; ≤ 0 = off
  bool operator==(const AdamConfig&) const = default;

  void validate() const;  // throws InputError naming the field
};

class Adam {
 public:
  Adam() = default;
  Adam(const AdamConfig& config, Eigen::Index num_params);

  void reset();  // zero moments and step count
  // One update of params from grad (grad may be rescaled in place by clipping). Returns the
  // gradient norm before clipping.
  double step(Eigen::VectorXf& params, Eigen::VectorXf& grad);

  AdamConfig config;  // may be changed between steps (the learning rate slider)
  long steps() const { return t_; }
  const Eigen::VectorXf& m() const { return m_; }
  const Eigen::VectorXf& v() const { return v_; }
  void set_state(long steps, Eigen::VectorXf m, Eigen::VectorXf v);  // checkpoints

 private:
  long t_ = 0;
  Eigen::VectorXf m_, v_;  // moments, same layout as the parameters
};

// Exponential moving average of the weights, score_sde style: the decay is
// min(rate, (1 + n)/(10 + n)) after n updates, so the average is useful from the first steps.
class Ema {
 public:
  Ema() = default;
  Ema(double rate, const Eigen::VectorXf& params);

  void update(const Eigen::VectorXf& params);
  const Eigen::VectorXf& weights() const { return w_; }
  double rate = 0.999;  // target decay per step
  long updates() const { return n_; }
  void set_state(long updates, Eigen::VectorXf weights);  // checkpoints

 private:
  long n_ = 0;
  Eigen::VectorXf w_;
};

}  // namespace scorelab
