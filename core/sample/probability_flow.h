// The probability-flow ODE dx/dt = v(x, t) (score_sde get_ode_sampler) from
// t_start to t_end with Euler, Heun, RK4 (fixed steps) or adaptive Dormand–Prince RK45 (rtol /
// atol), all by the one ODE module (core/sample/ode.h). Guidance only, no replacement imputation.
// Its settings, scene-file fields, widgets, cost and builder; its row in the registry is its place
// in SamplerConfig (core/sample/sampler_registry.h).
// The velocity v is flow_velocity below: the model's own where it has one (exact mixtures, a
// velocity-predicting network), finite to the straight path's t = 1; otherwise the drift from the
// score, f(x, t) − ½ g(t)² s(x, t), the same field (SCORE_SPEC §9.3).
#pragma once
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/common/param_editor.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/conditioning.h"
#include "core/sample/ode.h"
#include "core/sample/sampler.h"

namespace scorelab {

struct ProbabilityFlowConfig {
  static constexpr std::string_view key = "probability_flow";
  static constexpr std::string_view label = "probability-flow ODE";

  OdeMethod method = OdeMethod::Rk45;
  int steps = 100;          // fixed-step methods: number of steps from t_start to t_end
  double rtol = 1e-5;       // RK45 relative tolerance (scipy solve_ivp semantics)
  double atol = 1e-5;       // RK45 absolute tolerance
  double t_start = 1.0;     // integrate from here ... (1 = the prior)
  double t_end = 1e-5;      // ... to here; t_end > t_start integrates data → noise
  bool denoise = false;     // one reverse-diffusion step at t_end, returning x_mean
  // Guidance only (observation, class: a GuidedScore built by make_scene_run); imputation is a
  // reverse-SDE method and is refused here.
  Conditioning condition;
  bool operator==(const ProbabilityFlowConfig&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ProbabilityFlowConfig> {
  v("method", c.method);
  v("steps", c.steps);
  v("rtol", c.rtol);
  v("atol", c.atol);
  v("t_start", c.t_start);
  v("t_end", c.t_end);
  v("denoise", c.denoise);
  v("condition", c.condition);
}

// Whether the samplers integrate `model`'s own velocity on `sde`: where the path's f and g are
// frozen near its end (Sde::t_max() < T, the straight path) and the model has one. Elsewhere the
// drift from the score is the same field (SCORE_SPEC §9.3) and stays: the vectorised float score,
// and the numbers of every sampler on VE / VP / sub-VP as they were.
bool flows_on_velocity(const ScoreModel& model, const Sde& sde);

// out = v(x, t) = dx/dt of the probability flow of `model` on `sde` (data units per unit time,
// t from 0 = data to 1 = noise): model.velocity(x, sde.level(t)) if flows_on_velocity, else
// f(x, t) − ½ g(t)² s(x, t) (f, g at min(t, sde.t_max()), see Sde::t_max).
void flow_velocity(const ScoreModel& model, const Sde& sde, const Points& x, double t, Points& out);

// The method and its step count or tolerances (the condition has its own: edit(Conditioning&)).
bool edit(ParamEditor& e, ProbabilityFlowConfig& c);
SamplerWork work(const ProbabilityFlowConfig& c, const SigmaSchedule& schedule,
                 const SdeParams& sde);
std::unique_ptr<Sampler> build(const ProbabilityFlowConfig& c, const SigmaSchedule& schedule,
                               const SdeParams& sde);

}  // namespace scorelab
