// DDIM (Song, Meng, Ermon 2021; SCORE_SPEC §9.4): from the prior at t = 1 to t = eps over
// t_k = linspace(1, eps, steps + 1), each step predicts x̂₀ and the noise ε̂ from the score, then
// re-noises x̂₀ to the next level with a share η of fresh noise. η = 0 is deterministic (the
// probability-flow ODE as steps grow); η = 1 is DDPM's ancestral step. Guidance only, no
// replacement imputation. Its settings, scene-file fields, widgets, cost and builder; its row in
// the registry is its place in SamplerConfig (core/sample/sampler_registry.h).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/common/param_editor.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/conditioning.h"
#include "core/sample/sampler.h"

namespace scorelab {

// One step, written once for all three SDEs through the Gaussian kernel x_t = m(t) x₀ + s(t) z.
// Convention: the model gives the SCORE ∇ log p_t (core/score/score_model.h); ε̂ = −s·score is
// the noise prediction. From t (m, s) to t′ < t (m′, s′):
//   x̂₀ = (x + s² score) / m                                 (Tweedie)
//   σ² = η² s′² (1 − (m s′ / (m′ s))²)   (the bracket clamped at ≥ 0)
//   x′ = m′ x̂₀ + √(max(s′² − σ², 0)) ε̂ + σ z
// For VP (ᾱ = m²) this is §9.4's step exactly; σ at η = 1 is the std of the forward kernel's
// posterior q(x_t′ | x_t, x₀) (DDPM's β̃), which for VE (m = 1) is the ancestral noise std
// √(s′² (s² − s′²) / s²).
// On the straight path a model that answers a velocity v = E[ṁ x₀ + ṡ z | x] (flows_on_velocity,
// core/sample/probability_flow.h; ṁ, ṡ the rates at t) gives x̂₀ and ε̂ without dividing by m, by
// solving x = m x̂₀ + s ε̂, v = ṁ x̂₀ + ṡ ε̂:
//   x̂₀ = (ṡ x − s v) / d,   ε̂ = (m v − ṁ x) / d,   d = m ṡ − s ṁ  (> 0: s/m grows with t)
// so the first step of the straight path, from m = 0, is finite. There d = 1 and with η = 0 the
// step is x′ = x + (t′ − t) v: DDIM is Euler on the velocity.
struct DdimConfig {
  static constexpr std::string_view key = "ddim";
  static constexpr std::string_view label = "DDIM";

  double eta = 0.0;   // η ∈ [0, 1]: 0 deterministic, 1 DDPM's ancestral noise
  int steps = 100;    // number of steps from t = 1 to eps, ≥ 1
  double eps = 1e-3;  // final time (score_sde's VP sampling eps), in (0, 0.999]
  // Guidance only (observation, class, exact imputation: a GuidedScore built by make_scene_run);
  // replacement imputation is a reverse-SDE method and SMC an annealed-Langevin one: refused.
  Conditioning condition;
  bool operator==(const DdimConfig&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, DdimConfig> {
  v("eta", c.eta);
  v("steps", c.steps);
  v("eps", c.eps);
  v("condition", c.condition);
}

// The step above as x′ = a x + b score + c z (dimensionless a, b in data units², c in data
// units), in double: what the sampler applies to every particle. With on_velocity, the same
// step as x′ = a x + b v + c z (b in units of time), from the velocity (above).
struct DdimCoefficients {
  double a = 1, b = 0, c = 0;
};
DdimCoefficients ddim_coefficients(const NoiseLevel& now, const NoiseLevel& next, double eta,
                                   bool on_velocity = false);

// "DDIM, eta 0.5": the η sets runs of this kind apart.
std::string summary(const DdimConfig& c);
// The η slider and the step count (the condition has its own: edit(Conditioning&)).
bool edit(ParamEditor& e, DdimConfig& c);
SamplerWork work(const DdimConfig& c, const SigmaSchedule& schedule, const SdeParams& sde);
// Validates (InputError naming the field and its range), then builds.
std::unique_ptr<Sampler> build(const DdimConfig& c, const SigmaSchedule& schedule,
                               const SdeParams& sde);

}  // namespace scorelab
