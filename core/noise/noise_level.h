// NoiseLevel: the one value every noise process, score model, sampler and field talks about.
//
// Every noise process in scorelab is a Gaussian perturbation kernel
//     x_t = m · x_0 + s · z,   z ~ N(0, I)
// - NCSN's discrete scales σ_i:  m = 1, s = σ_i;
// - VE SDE:     m = 1, s = σ(t) = σ_min (σ_max/σ_min)^t;
// - VP SDE:     m = exp(ℓ(t)), s = sqrt(1 − m²);   sub-VP: same m, s = 1 − m².
// - straight path (rectified flow): m = 1 − t, s = t.
// A level on a timed path also carries the rates dm = m′(t), ds = s′(t) (per unit time): the
// velocity of the path, v = E[m′ x_0 + s′ z | x_t = x] (SCORE_SPEC §9.3), needs them.
// A score model answers ∇ₓ log p_level(x) where p_level is the data density pushed through this
// kernel. Learned models are conditioned on t (VP: label 999·t) or on log s (VE); both are here.
#pragma once

namespace scorelab {

struct NoiseLevel {
  double t = 0.0;  // process time in [0, 1]; for a discrete σ schedule, the VE time of that σ
  double m = 1.0;  // mean scale (dimensionless), 1 for VE / NCSN
  double s = 0.0;  // standard deviation of the added noise, in data units (σ for VE / NCSN)
  // dm/dt (1/unit time) and ds/dt (data units per unit time) of the process at t; both 0 for a
  // level that is not on a timed path (clean(), sigma(), a discrete schedule's σ), where no
  // velocity is defined. ds is +∞ at t = 0 for VP (s ~ √(β_0 t)); samplers stop at eps > 0.
  double dm = 0.0;
  double ds = 0.0;

  static NoiseLevel clean() { return {}; }  // the data itself: m = 1, s = 0
  static NoiseLevel sigma(double s) { return {0.0, 1.0, s}; }  // m = 1, std s (NCSN / VE)
};

}  // namespace scorelab
