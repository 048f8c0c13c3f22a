// The Sampler panel's widgets, one overload per sampler configuration: sampler_widgets(config)
// visits the SamplerConfig variant, so a sampler kind without its overload fails to compile.
#pragma once
#include "core/sample/sampler.h"

namespace scorelab::ui {

bool sampler_widgets(LangevinConfig& c);
bool sampler_widgets(AnnealedLangevinConfig& c);
bool sampler_widgets(ReverseSdeConfig& c);
bool sampler_widgets(ProbabilityFlowConfig& c);

// Controllable generation (core/sample/conditioning.h): kind, imputation method, observed
// coordinates, noise, scale (a click in the plot sets the values); true when a value changed.
bool condition_widgets(Conditioning& c);

// The widgets of the active kind only; true when a value changed.
inline bool sampler_widgets(SamplerConfig& config) {
  return std::visit([](auto& c) { return sampler_widgets(c); }, config);
}

}  // namespace scorelab::ui
