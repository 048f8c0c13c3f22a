// ScoreModel: anything that answers ∇ₓ log p_level(x) for a batch of points.
//
// Convention: this is the SCORE (gradient of the log-density, units 1/data-unit), never a noise
// prediction; models that predict noise convert before answering (score = −ε̂ / s).
// Two kinds exist: exact (GaussianMixture, EmpiricalMixture in core/distributions) and learned
// (the MLP snapshot in core/nn). Samplers, fields and lessons only ever see this interface: what
// else a model can answer is asked through its capabilities below, never by casting it.
#pragma once
#include <stdexcept>

#include "core/common/points.h"
#include "core/noise/noise_level.h"

namespace scorelab {

class ScoreModel {
 public:
  virtual ~ScoreModel() = default;

  // out.col(i) = ∇ₓ log p_level(x.col(i)); out is resized to 2×N. A const call must be safe to
  // make from several threads at once (so must every capability below).
  virtual void score(const Points& x, const NoiseLevel& level, Points& out) const = 0;

  // --- Optional capabilities. Ask has_*() first; the call throws std::logic_error otherwise. ---

  // out[i] = log p_level(x.col(i)), in nats (density per data-unit² in the plane); resized to N.
  // The exact models have it; a learned score has no normalised density (its log-likelihood
  // comes from integrating the probability-flow ODE, core/likelihood).
  // The double overload is the same density evaluated in double throughout, for references that
  // float would limit (a float holds log p = −500 nats only to ±3e-5; the likelihood CLI prints
  // its closed form to a double's digits). has_log_density() covers both.
  virtual bool has_log_density() const { return false; }
  virtual void log_density(const Points& x, const NoiseLevel& level, Values& out) const {
    (void)x, (void)level, (void)out;
    throw std::logic_error("this score model has no log-density (check has_log_density())");
  }
  virtual void log_density(const PointsT<double>& x, const NoiseLevel& level,
                           ValuesT<double>& out) const {
    (void)x, (void)level, (void)out;
    throw std::logic_error("this score model has no log-density (check has_log_density())");
  }

  // out[i] = ∇ₓ · s(x.col(i)) = tr ∂s/∂x = the Laplacian of log p_level, in 1/data-unit²;
  // resized to N. Exact (no Hutchinson estimate) wherever it is offered.
  virtual bool has_divergence() const { return false; }
  virtual void divergence(const Points& x, const NoiseLevel& level, Values& out) const {
    (void)x, (void)level, (void)out;
    throw std::logic_error("this score model has no divergence (check has_divergence())");
  }

  // score() and divergence() in one call, for models that can share the work (the MLP computes
  // the score along with the Jacobian's tangents); requires has_divergence().
  virtual void score_and_divergence(const Points& x, const NoiseLevel& level, Points& score_out,
                                    Values& div_out) const {
    score(x, level, score_out);
    divergence(x, level, div_out);
  }

  // Class-conditional models: the number of classes K, 0 for none. A class-conditional network
  // (core/nn/mlp.h MlpConfig::classes) and a Gaussian mixture (its components are its classes)
  // have them. score() is then the unconditional score (the label ∅) and class_score(k) the
  // score of class k's density, ∇ₓ log p_level(x | k), resized to 2×N; k in [0, classes()).
  virtual int classes() const { return 0; }
  virtual void class_score(const Points& x, const NoiseLevel& level, int k, Points& out) const {
    (void)x, (void)level, (void)k, (void)out;
    throw std::logic_error("this score model has no classes (check classes())");
  }

  // out.col(i) = J(x.col(i)) · v.col(i), the Jacobian of the score (∂s/∂x, 1/data-unit²) times a
  // direction per point: what Hutchinson's divergence estimate vᵀJv needs (core/likelihood).
  // Resized to 2×N. Exact wherever it is offered.
  virtual bool has_jvp() const { return false; }
  virtual void jvp(const Points& x, const NoiseLevel& level, const Points& v, Points& out) const {
    (void)x, (void)level, (void)v, (void)out;
    throw std::logic_error("this score model has no Jacobian-vector product (check has_jvp())");
  }

  // out.col(i) = v(x.col(i), t) = E[m′ x_0 + s′ z | x_t = x.col(i)], the VELOCITY of the path
  // x_t = m x_0 + s z at the level (SCORE_SPEC §9.3): data units per unit time, t running from
  // 0 (data) to 1 (noise), so the probability-flow ODE is dx/dt = v. It needs a level with its
  // rates (level.dm, level.ds, as Sde::level gives). Resized to 2×N. Offered by models that know
  // it without dividing by m (the exact mixtures, from the posterior mean; a velocity-predicting
  // network, from its output), so it stays finite where the score form (m′/m) x + … is 0/0:
  // the straight path's t = 1. The samplers use it there; elsewhere, and for any other model, the
  // same field is the probability-flow drift from the score (flow_velocity and flows_on_velocity
  // in core/sample/probability_flow.h).
  virtual bool has_velocity() const { return false; }
  virtual void velocity(const Points& x, const NoiseLevel& level, Points& out) const {
    (void)x, (void)level, (void)out;
    throw std::logic_error("this score model has no velocity (check has_velocity())");
  }
};

}  // namespace scorelab
