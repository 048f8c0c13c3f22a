// Langevin dynamics at one fixed noise level (NCSN's toy experiment), in the image code's
// convention (b): x ← x + α s(x, σ) + √(2α) z. Its settings, scene-file fields, widgets, cost and
// builder; its row in the registry is its place in SamplerConfig (core/sample/sampler_registry.h).
#pragma once
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/common/param_editor.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/initial_distribution.h"
#include "core/sample/sampler.h"

namespace scorelab {

struct LangevinConfig {
  static constexpr std::string_view key = "langevin";    // sampler.kind in scene files
  static constexpr std::string_view label = "Langevin";  // the window's sampler menu

  double step_size = 0.01;  // α, in data units² (convention (b); NCSN toy ε = 0.1 is α = 0.05)
  int steps = 1000;         // number of steps, ≥ 1
  double sigma = 0.0;       // the fixed noise level s (data units); 0 = the data density itself
  InitialDistribution init;
  bool operator==(const LangevinConfig&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, LangevinConfig> {
  v("step_size", c.step_size);
  v("steps", c.steps);
  v("sigma", c.sigma);
  v("init", c.init);
}

bool edit(ParamEditor& e, LangevinConfig& c);
SamplerWork work(const LangevinConfig& c, const SigmaSchedule& schedule, const SdeParams& sde);
// Validates (InputError naming the field and its range), then builds.
std::unique_ptr<Sampler> build(const LangevinConfig& c, const SigmaSchedule& schedule,
                               const SdeParams& sde);

}  // namespace scorelab
