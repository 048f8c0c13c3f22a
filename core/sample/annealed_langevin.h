// Annealed Langevin dynamics (NCSN / NCSNv2): Langevin steps over the schedule σ_1 > … > σ_L with
// α_i = ε σ_i² / σ_L², T steps per level, and an optional final denoising x ← x + σ_L² s(x, σ_L).
// Conditioning: guidance (class, observation, exact imputation) comes with the score it is given;
// sequential Monte Carlo imputation ("method": "smc", core/sample/line_smc.h) is run here: the
// known coordinate is held at its value, Langevin moves the other, and the particles are
// reweighted between levels and resampled.
// Its settings, scene-file fields, widgets, cost and builder; its row in the registry is its place
// in SamplerConfig (core/sample/sampler_registry.h).
#pragma once
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/common/param_editor.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/conditioning.h"
#include "core/sample/initial_distribution.h"
#include "core/sample/sampler.h"

namespace scorelab {

struct AnnealedLangevinConfig {
  static constexpr std::string_view key = "annealed_langevin";
  static constexpr std::string_view label = "annealed Langevin";

  double epsilon = 1e-3;     // ε: the step size at the smallest level, data units²
  int steps_per_level = 100; // T ≥ 1
  bool denoise = true;       // final Tweedie step x ← x + σ_L² s(x, σ_L), no noise
  InitialDistribution init;
  Conditioning condition;  // controllable generation (see above)
  bool operator==(const AnnealedLangevinConfig&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, AnnealedLangevinConfig> {
  v("epsilon", c.epsilon);
  v("steps_per_level", c.steps_per_level);
  v("denoise", c.denoise);
  v("init", c.init);
  v("condition", c.condition);
}

bool edit(ParamEditor& e, AnnealedLangevinConfig& c);
SamplerWork work(const AnnealedLangevinConfig& c, const SigmaSchedule& schedule,
                 const SdeParams& sde);
std::unique_ptr<Sampler> build(const AnnealedLangevinConfig& c, const SigmaSchedule& schedule,
                               const SdeParams& sde);

}  // namespace scorelab
