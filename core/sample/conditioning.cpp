// Conditioning: validation, the posterior mixture of a noisy observation, and the guided score.
#include "core/sample/conditioning.h"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace scorelab {

bool edit(ParamEditor& e, Conditioning& c) {
  bool changed = e.choice("condition", c.kind);
  if (c.kind == Conditioning::Kind::Imputation) {
    changed |= e.choice("imputation method", c.imputer);
    if (c.observe == Conditioning::Observe::Both) c.observe = Conditioning::Observe::X1;
  }
  if (c.kind == Conditioning::Kind::Imputation || c.kind == Conditioning::Kind::Observation)
    changed |= e.choice("observed", c.observe);
  if (c.kind == Conditioning::Kind::Observation)
    changed |= e.number("observation noise", c.noise, 1e-3, 10, "%.3g", true);
  if (c.kind == Conditioning::Kind::Class) {
    changed |= e.integer("component", c.component, 0, 63);
    changed |= e.choice("class guidance", c.guidance);
  }
  if (c.kind == Conditioning::Kind::Observation)
    changed |= e.number("guidance scale", c.scale, 0, 20, "%.3g");
  if (c.kind == Conditioning::Kind::Class)  // γ: 1 is the class conditional (conditioning.h)
    changed |= e.number("guidance w (gamma)", c.scale, 0, 20, "%.3g");
  return changed;
}

std::string guidance_words(const Conditioning& c, bool learned) {
  if (!c.guides()) return "";
  if (c.kind != Conditioning::Kind::Class) return "guidance";
  // With the exact score the classifier-free field is the exact classifier's (conditioning.h).
  const bool free = learned && c.guidance == Conditioning::Guidance::ClassifierFree;
  return (free ? "classifier-free guidance w = " : "classifier guidance gamma = ") +
         number_text(c.scale);
}

void Conditioning::validate_guidance_only() const {
  validate();
  if (weighs())
    throw InputError(
        "sampler.condition.method 'smc' runs in the annealed_langevin sampler (its "
        "Langevin moves between reweightings); 'exact' works here");
  if (replaces())
    throw InputError(
        "sampler.condition.method 'replacement' needs the reverse_sde sampler (it "
        "replaces the known coordinate between stochastic steps); 'exact' works here");
}

void Conditioning::validate() const {
  if (kind == Kind::None) return;
  if (kind == Kind::Imputation && observe == Observe::Both)
    throw InputError("sampler.condition.observe 'both' leaves nothing to sample for imputation "
                     "(use x1 or x2)");
  if (kind == Kind::Imputation || kind == Kind::Observation) {
    if (observe != Observe::X2)
      require_in_range("sampler.condition.x1", x1, -kObservationLimit, kObservationLimit);
    if (observe != Observe::X1)
      require_in_range("sampler.condition.x2", x2, -kObservationLimit, kObservationLimit);
  }
  // The ranges as accepted: noise in (0, 100]; a component index from 0 (its upper bound, K − 1,
  // is checked against the data where the mixture is known: GuidedScore).
  if (kind == Kind::Observation && !(noise > 0 && noise <= 100))
    throw InputError("sampler.condition.noise must be finite and in (0, 100], got " +
                     number_text(noise));
  if (guidance == Guidance::ClassifierFree && kind != Kind::Class)
    throw InputError("sampler.condition.guidance 'classifier_free' is a kind of class guidance "
                     "(sampler.condition.kind \"class\")");
  if (kind == Kind::Class && component < 0)
    throw InputError("sampler.condition.component is a mixture component's index (0 for the "
                     "first), got " + std::to_string(component));
  if (guides()) require_in_range("sampler.condition.scale", scale, 0.0, 100.0);
}

std::vector<GaussianComponent> posterior_components(const std::vector<GaussianComponent>& data,
                                                    const Conditioning& c) {
  // H: the observed rows of the identity; y the observed values.
  const int rows = c.observe == Conditioning::Observe::Both ? 2 : 1;
  Eigen::MatrixXd H = Eigen::MatrixXd::Zero(rows, 2);
  Eigen::VectorXd y(rows);
  if (c.observe == Conditioning::Observe::X2) {
    H(0, 1) = 1, y[0] = c.x2;
  } else {
    H(0, 0) = 1, y[0] = c.x1;
    if (rows == 2) H(1, 1) = 1, y[1] = c.x2;
  }
  double noise = c.noise;
  if (c.kind == Conditioning::Kind::Imputation) {
    double smallest = std::numeric_limits<double>::infinity();
    for (const GaussianComponent& d : data) smallest = std::min(smallest, (H * d.cov * H.transpose())(0, 0));
    noise = kImputationNoise * std::sqrt(smallest);
  }
  std::vector<GaussianComponent> out = data;
  std::vector<double> log_w(data.size());
  double max_log_w = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < data.size(); ++k) {
    const GaussianComponent& d = data[k];
    const Eigen::MatrixXd S =
        H * d.cov * H.transpose() + noise * noise * Eigen::MatrixXd::Identity(rows, rows);
    const Eigen::MatrixXd K = d.cov * H.transpose() * S.inverse();  // Kalman gain, 2 × rows
    const Eigen::VectorXd r = y - H * d.mean;
    out[k].mean = d.mean + K * r;
    const Eigen::Matrix2d cov = d.cov - K * H * d.cov;
    out[k].cov = 0.5 * (cov + cov.transpose());  // symmetric to the last bit
    // ln π_k + ln N(y; H μ_k, S), up to the constant −(rows/2) ln 2π shared by every k.
    log_w[k] = std::log(d.weight) - 0.5 * std::log(S.determinant()) - 0.5 * r.dot(S.inverse() * r);
    max_log_w = std::max(max_log_w, log_w[k]);
  }
  if (!std::isfinite(max_log_w))
    throw InputError("sampler.condition: the observation has zero probability under the data");
  for (std::size_t k = 0; k < data.size(); ++k) out[k].weight = std::exp(log_w[k] - max_log_w);
  return out;
}

GaussianMixture conditional_target(const std::vector<GaussianComponent>& data,
                                   const Conditioning& c) {
  if (c.kind == Conditioning::Kind::Class) {
    if (c.component >= static_cast<int>(data.size()))
      throw InputError("sampler.condition.component must be below the number of mixture "
                       "components (" + std::to_string(data.size()) + "), got " +
                       std::to_string(c.component));
    GaussianComponent k = data[c.component];
    k.weight = 1.0;
    return GaussianMixture({k});
  }
  return GaussianMixture(posterior_components(data, c));
}

Sharpening measure_sharpening(const GaussianComponent& target, const NoiseLevel& level,
                              const Points& x) {
  Sharpening out;
  out.exact_spread = level.m * level.m * target.cov.trace() + 2 * level.s * level.s;
  if (x.cols() == 0) return out;
  const Eigen::Vector2d mean = x.cast<double>().rowwise().mean();
  out.spread = (x.cast<double>().colwise() - mean).colwise().squaredNorm().mean();
  out.ratio = out.spread / out.exact_spread;
  out.offset = (mean - level.m * target.mean).norm();
  return out;
}

GuidedScore::GuidedScore(const ScoreModel& base, const std::vector<GaussianComponent>& data,
                         const Conditioning& condition)
    : base_(base),
      prior_(data),
      target_(conditional_target(data, condition)),
      // Exact imputation is the conditional itself, never a tempered one.
      scale_(condition.kind == Conditioning::Kind::Imputation ? 1.0 : condition.scale) {
  condition.validate();
  if (!condition.guides())
    throw std::logic_error("GuidedScore needs an observation, class or exact imputation");
  if (condition.guidance == Conditioning::Guidance::ClassifierFree) {
    if (base.classes() != static_cast<int>(data.size()))
      throw InputError(
          "sampler.condition.guidance 'classifier_free' needs a class-conditional model of the "
          "data's " + std::to_string(data.size()) + " classes (model.classes " +
          std::to_string(data.size()) + ", trained); this score has " +
          std::to_string(base.classes()) + " (use \"classifier\", the exact classifier)");
    classifier_free_ = true;
    component_ = condition.component;
  }
}

void GuidedScore::guidance(const Points& x, const NoiseLevel& level, const Points& base_score,
                           Points& out) const {
  if (classifier_free_) {
    // The model's own class term: s(x, k) − s(x, ∅), s(x, ∅) being the base's score.
    base_.class_score(x, level, component_, out);
    out = static_cast<float>(scale_) * (out - base_score);
    return;
  }
  // ∇ log p_t(y | x) = ∇ log p_t(x | y) − ∇ log p_t(x): both exact mixture scores at the level.
  // (For Class, p_t(x | k) is component k's perturbed density and r_k = π_k p_t(x | k) / p_t(x).)
  thread_local Points prior;
  target_.score(x, level, out);
  prior_.score(x, level, prior);
  out = static_cast<float>(scale_) * (out - prior);
}

void GuidedScore::score(const Points& x, const NoiseLevel& level, Points& out) const {
  thread_local Points g;
  base_.score(x, level, out);
  guidance(x, level, out, g);
  out += g;
}

}  // namespace scorelab
