#include "core/nn/adam.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace scorelab {

void AdamConfig::validate() const {
  require_in_range("train.lr", lr, 0.0, 1e6);
  require_in_range("train.beta1", beta1, 0.0, 0.999999);
  require_in_range("train.beta2", beta2, 0.0, 0.999999999);
  require_above("train.adam_eps", eps, 0.0);
  require_in_range("train.warmup", warmup, 0, 1e9);
  require_in_range("train.grad_clip", grad_clip, -1.0, 1e9);
}

Adam::Adam(const AdamConfig& cfg, Eigen::Index num_params)
    : config(cfg), m_(Eigen::VectorXf::Zero(num_params)), v_(Eigen::VectorXf::Zero(num_params)) {
  config.validate();
}

void Adam::reset() {
  t_ = 0;
  m_.setZero();
  v_.setZero();
}

void Adam::set_state(long steps, Eigen::VectorXf m, Eigen::VectorXf v) {
  t_ = steps;
  m_ = std::move(m);
  v_ = std::move(v);
}

double Adam::step(Eigen::VectorXf& params, Eigen::VectorXf& grad) {
  const double norm = grad.cast<double>().norm();
  if (config.grad_clip > 0 && norm > config.grad_clip)
    grad *= static_cast<float>(config.grad_clip / norm);
  ++t_;
  double lr = config.lr;
  if (config.warmup > 0) lr *= std::min(1.0, static_cast<double>(t_) / config.warmup);
  const float b1 = static_cast<float>(config.beta1), b2 = static_cast<float>(config.beta2);
  const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(config.beta1, t_)));
  const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(config.beta2, t_)));
  const float step = static_cast<float>(lr), eps = static_cast<float>(config.eps);
  // One flat pass over every parameter (the compiler vectorises it; sqrt and divide included).
  float* __restrict p = params.data();
  float* __restrict m = m_.data();
  float* __restrict v = v_.data();
  const float* __restrict g = grad.data();
  for (Eigen::Index i = 0; i < params.size(); ++i) {
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    p[i] -= step * (m[i] * c1) / (std::sqrt(v[i] * c2) + eps);
  }
  return norm;
}

Ema::Ema(double r, const Eigen::VectorXf& params) : rate(r), w_(params) {}

void Ema::update(const Eigen::VectorXf& params) {
  ++n_;
  const double decay = std::min(rate, (1.0 + n_) / (10.0 + n_));
  const float d = static_cast<float>(decay);
  w_ = d * w_ + (1.0f - d) * params;
}

void Ema::set_state(long updates, Eigen::VectorXf weights) {
  n_ = updates;
  w_ = std::move(weights);
}

}  // namespace scorelab
