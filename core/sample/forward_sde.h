// The forward process itself: particles start at draws of the data and diffuse along the SDE from
// t = 0 to t_end, the blog's "data diffusing into noise" animation. No score is involved. Each step
// draws the exact Gaussian transition of the linear SDE between grid times (no discretisation
// error), so after every step the particles are distributed as p_t, the data noised to level t.
// Its settings, scene-file fields, widgets, cost and builder; its row in the registry is its place
// in SamplerConfig (core/sample/sampler_registry.h).
#pragma once
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/common/param_editor.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/sampler.h"

namespace scorelab {

struct ForwardSdeConfig {
  static constexpr std::string_view key = "forward_sde";
  static constexpr std::string_view label = "forward SDE (data to noise)";
  // Runs the noise process forwards: the particles start at the data (core/scene/scene_run.h
  // places them) and follow no score.
  static constexpr bool runs_forward = true;

  double t_end = 1.0;  // diffuse from t = 0 up to here, in the SDE's N steps per unit time
  bool operator==(const ForwardSdeConfig&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ForwardSdeConfig> {
  v("t_end", c.t_end);
}

bool edit(ParamEditor& e, ForwardSdeConfig& c);
SamplerWork work(const ForwardSdeConfig& c, const SigmaSchedule& schedule, const SdeParams& sde);
std::unique_ptr<Sampler> build(const ForwardSdeConfig& c, const SigmaSchedule& schedule,
                               const SdeParams& sde);

}  // namespace scorelab
