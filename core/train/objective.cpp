#include "core/train/objective.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace scorelab {

void ObjectiveConfig::validate() const {
  require_in_range("train.eps", eps, 1e-9, 0.5);
  require_in_range("train.sigma_hat_min", sigma_hat_min, 1e-6, 1.0);
  if (likelihood_weighting && (kind != ObjectiveKind::Denoising || levels != LevelSource::Continuous))
    throw InputError(
        "train.likelihood_weighting needs the denoising objective with continuous levels");
  if (kind == ObjectiveKind::FlowMatching && levels != LevelSource::Continuous)
    throw InputError("train.objective flow_matching needs train.levels continuous");
}

void ObjectiveConfig::validate_with(const SdeParams& sde, const MlpConfig& model) const {
  const bool straight = sde.kind == SdeKind::RectifiedFlow;
  const bool fm = kind == ObjectiveKind::FlowMatching;
  const bool vel = model.output == OutputScaling::Velocity;
  if (straight && (!fm || !vel))
    throw InputError(
        "noise.sde.kind rectified_flow trains with train.objective flow_matching and "
        "model.output velocity (got " +
        std::string(to_string(kind)) + ", " + std::string(to_string(model.output)) + ")");
  if ((fm || vel) && !straight)
    throw InputError(
        "train.objective flow_matching and model.output velocity need "
        "noise.sde.kind rectified_flow (the velocity output is the straight path's)");
}

Objective::Objective(const ObjectiveConfig& config, const Sde& sde, const SigmaSchedule& schedule,
                     double sigma_data)
    : cfg_(config), sde_(sde), sigma_data_(sigma_data) {
  cfg_.validate();
  const NoiseLevel lo = sde_.level(cfg_.eps), hi = sde_.level(Sde::T);
  log_sh_lo_ = std::log(std::max(lo.s / lo.m, cfg_.sigma_hat_min));
  log_sh_hi_ = std::log(hi.s / hi.m);
  log_sh_lo_ = std::min(log_sh_lo_, log_sh_hi_);
  for (int i = 0; i < schedule.levels; ++i) levels_.push_back(schedule.level(i));
}

void fit_training_to_path(ObjectiveConfig& objective, MlpConfig& model, SdeKind kind) {
  const bool straight = kind == SdeKind::RectifiedFlow;
  if (straight) {
    objective.kind = ObjectiveKind::FlowMatching;
    objective.levels = LevelSource::Continuous;
    model.output = OutputScaling::Velocity;
  } else if (objective.kind == ObjectiveKind::FlowMatching ||
             model.output == OutputScaling::Velocity) {
    objective.kind = ObjectiveKind::Denoising;
    model.output = MlpConfig{}.output;
  }
}

double Objective::weight(const NoiseLevel& lv, double g2) const {
  if (cfg_.kind == ObjectiveKind::FlowMatching) return 1.0;
  const bool perturbed = cfg_.kind == ObjectiveKind::Denoising || cfg_.perturb;
  const bool balanced =
      cfg_.kind == ObjectiveKind::Denoising && cfg_.weighting == LossWeighting::Balanced;
  const double sh = lv.s / lv.m;
  return !perturbed                  ? 1.0
         : cfg_.likelihood_weighting ? g2
         : balanced                  ? lv.m * lv.s * std::sqrt(sh * sh + sigma_data_ * sigma_data_)
                                     : lv.s * lv.s;
}

double Objective::weight_at(double t) const {
  const double g = sde_.diffusion(t);
  return weight(sde_.level(t), g * g);
}

std::string Objective::weight_formula() const {
  if (cfg_.kind == ObjectiveKind::FlowMatching) return "lambda = 1 (on the velocity)";
  const bool perturbed = cfg_.kind == ObjectiveKind::Denoising || cfg_.perturb;
  if (!perturbed) return "lambda = 1 (clean data)";
  if (cfg_.likelihood_weighting) return "lambda = g(t)^2 (likelihood)";
  if (cfg_.kind == ObjectiveKind::Denoising && cfg_.weighting == LossWeighting::Balanced)
    return "lambda = m s sqrt(sh^2 + sd^2) (balanced)";
  return "lambda = s(t)^2";
}

void Objective::draw(const Points& x0, Rng& rng, ObjectiveBatch<float>& b) const {
  const Index n = x0.cols();
  b.level.t.resize(n), b.level.m.resize(n), b.level.s.resize(n), b.weight.resize(n);
  b.z.resize(2, n);
  rng.fill_normal(b.z);
  const bool fm = cfg_.kind == ObjectiveKind::FlowMatching;
  const bool perturbed = cfg_.kind == ObjectiveKind::Denoising || fm || cfg_.perturb;
  b.x.resize(2, n);
  b.v.resize(2, n);
  for (Index i = 0; i < n; ++i) {
    NoiseLevel lv;
    double g2 = 0;
    if (cfg_.levels == LevelSource::Continuous) {
      const double u = rng.uniform();
      const double t =
          fm ? cfg_.eps + u * (Sde::T - 2 * cfg_.eps)
          : cfg_.distribution == LevelDistribution::UniformT
              ? cfg_.eps + u * (Sde::T - cfg_.eps)
              : std::clamp(
                    sde_.time_of_sigma_hat(std::exp(log_sh_lo_ + u * (log_sh_hi_ - log_sh_lo_))),
                    cfg_.eps, Sde::T);
      lv = sde_.level(t);
      const double g = sde_.diffusion(t);
      g2 = g * g;
    } else {
      lv = levels_[rng.below(levels_.size())];
    }
    b.level.t[i] = static_cast<float>(lv.t);
    b.level.m[i] = static_cast<float>(lv.m);
    b.level.s[i] = static_cast<float>(lv.s);
    b.weight[i] = static_cast<float>(weight(lv, g2));
    b.x.col(i) = perturbed ? (static_cast<float>(lv.m) * x0.col(i) +
                              static_cast<float>(lv.s) * b.z.col(i)).eval()
                           : x0.col(i);
    if (fm)
      b.v.col(i) = static_cast<float>(lv.ds) * b.z.col(i) + static_cast<float>(lv.dm) * x0.col(i);
  }
  if (fm) return;
  if (cfg_.kind == ObjectiveKind::Sliced || cfg_.kind == ObjectiveKind::SlicedVR) {
    rng.fill_normal(b.v);
    if (cfg_.kind == ObjectiveKind::Sliced) b.v.colwise().normalize();
  } else {
    b.v.setZero();
  }
}

template <class S>
double Objective::evaluate(const MlpT<S>& mlp, const Eigen::Matrix<S, Eigen::Dynamic, 1>& params,
                           const ObjectiveBatch<S>& b, typename MlpT<S>::Context& ctx,
                           Eigen::Matrix<S, Eigen::Dynamic, 1>* grad,
                           ValuesT<S>* per_sample, Index mean_over) const {
  const Index n = b.x.cols();
  const Index count = mean_over > 0 ? mean_over : n;
  const S inv_n = S(1) / static_cast<S>(count);
  // Tangent directions: v for the sliced objectives, e_x and e_y for the exact trace. Scratch
  // lives in the context, so a training step allocates nothing once the sizes are set.
  auto& [e1, e2] = ctx.unit;
  std::array<const PointsT<S>*, 2> dirs{};
  int K = 0;
  if (cfg_.kind == ObjectiveKind::Sliced || cfg_.kind == ObjectiveKind::SlicedVR) {
    dirs[0] = &b.v;
    K = 1;
  } else if (cfg_.kind == ObjectiveKind::Exact) {
    e1.resize(2, n), e2.resize(2, n);
    e1.row(0).setOnes(), e1.row(1).setZero();
    e2.row(0).setZero(), e2.row(1).setOnes();
    dirs = {&e1, &e2};
    K = 2;
  }
  mlp.forward(params, b.x, b.level, ctx, K, dirs);
  const PointsT<S>& s = ctx.score;
  const auto w = b.weight.transpose().array();  // 1 × N
  auto& loss = ctx.loss;                         // per sample
  auto& g_score = ctx.g_score;                   // ∂loss/∂score, 2 × N
  auto& g_t = ctx.g_tangent;                     // ∂loss/∂(J d_k)
  switch (cfg_.kind) {
    case ObjectiveKind::Denoising: {
      // r = score + z/s (kept in g_score); loss = ½λ‖r‖²; ∂/∂score = λ r.
      g_score = s + (b.z.array().rowwise() / b.level.s.transpose().array()).matrix();
      loss = S(0.5) * w * g_score.colwise().squaredNorm().array();
      g_score.array().rowwise() *= w;
      break;
    }
    case ObjectiveKind::Sliced: {
      const auto vs = (b.v.array() * s.array()).colwise().sum();               // vᵀ score
      const auto vjv = (b.v.array() * ctx.score_t[0].array()).colwise().sum();  // vᵀ J v
      loss = w * (vjv + S(0.5) * vs.square());
      g_score = b.v.array().rowwise() * (w * vs);
      g_t[0] = b.v.array().rowwise() * w;
      break;
    }
    case ObjectiveKind::SlicedVR: {
      const auto vjv = (b.v.array() * ctx.score_t[0].array()).colwise().sum();
      loss = w * (vjv + S(0.5) * s.colwise().squaredNorm().array());
      g_score = s.array().rowwise() * w;
      g_t[0] = b.v.array().rowwise() * w;
      break;
    }
    case ObjectiveKind::FlowMatching: {
      // r = v̂ − target with v̂ = h, the velocity output (kept in g_score); loss = ½λ‖r‖². The
      // backward takes ∂loss/∂score and multiplies it by c (score = c h + a x), so it gets λ r / c.
      assert(mlp.config().output == OutputScaling::Velocity);
      g_score = ctx.h - b.v;
      loss = S(0.5) * w * g_score.colwise().squaredNorm().array();
      g_score.array().rowwise() *= w / ctx.c.transpose().array();
      break;
    }
    case ObjectiveKind::Exact: {
      // tr J = (J e_x)_x + (J e_y)_y.
      const auto tr = ctx.score_t[0].row(0).array() + ctx.score_t[1].row(1).array();
      loss = w * (tr + S(0.5) * s.colwise().squaredNorm().array());
      g_score = s.array().rowwise() * w;
      g_t[0] = e1.array().rowwise() * w;
      g_t[1] = e2.array().rowwise() * w;
      break;
    }
  }
  if (per_sample) *per_sample = loss.transpose();
  if (grad) {
    g_score *= inv_n;
    for (int k = 0; k < K; ++k) g_t[k] *= inv_n;
    mlp.backward(params, ctx, g_score, {&g_t[0], &g_t[1]}, *grad);
  }
  return static_cast<double>(loss.sum()) / static_cast<double>(count);
}

template double Objective::evaluate(const MlpT<float>&, const Eigen::VectorXf&,
                                    const ObjectiveBatch<float>&, MlpT<float>::Context&,
                                    Eigen::VectorXf*, ValuesT<float>*, Index) const;
template double Objective::evaluate(const MlpT<double>&, const Eigen::VectorXd&,
                                    const ObjectiveBatch<double>&, MlpT<double>::Context&,
                                    Eigen::VectorXd*, ValuesT<double>*, Index) const;

}  // namespace scorelab
