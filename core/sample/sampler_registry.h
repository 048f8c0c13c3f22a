// The sampler registry: SamplerConfig lists every sampler kind once, and everything that works on
// "any sampler" is generated from that list: the scene file's sampler.kind, the window's sampler
// menu and widgets, the cost estimate, the builder.
//
// Adding a sampler = its own header and source in core/sample/ (a config struct with `key` and
// `label`, its `fields` for the scene file, `edit` for its widgets, `work` for its cost and
// `build`, which validates; langevin.h is the shortest example) + one alternative in
// SamplerConfig below. A kind missing any of these fails to compile;
// tests/core/sample/sampler_registry_test.cpp checks that each builds, round-trips through a
// scene file, validates and has a cost.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/sample/annealed_langevin.h"
#include "core/sample/ddim.h"
#include "core/sample/forward_sde.h"
#include "core/sample/langevin.h"
#include "core/sample/probability_flow.h"
#include "core/sample/reverse_sde.h"

namespace scorelab {

using SamplerConfig = std::variant<LangevinConfig, AnnealedLangevinConfig, ReverseSdeConfig,
                                   ProbabilityFlowConfig, ForwardSdeConfig, DdimConfig>;

struct SamplerInfo {
  std::string_view key;    // "reverse_sde": sampler.kind in scene files
  std::string_view label;  // "reverse SDE": the window's sampler menu
  SamplerConfig defaults;  // its configuration before any edit
};

// One row per SamplerConfig alternative, in its order.
std::span<const SamplerInfo> sampler_registry();

// The registry row of `config`'s kind.
const SamplerInfo& sampler_info(const SamplerConfig& config);
inline std::string_view sampler_name(const SamplerConfig& config) {
  return sampler_info(config).key;
}

// The one way to build a sampler from its configuration and the scene's noise settings.
// Validates the configuration (throws InputError naming the field and its range).
std::unique_ptr<Sampler> make_sampler(const SamplerConfig& config, const SigmaSchedule& schedule,
                                      const SdeParams& sde);

// Score evaluations and steps per particle of a whole run (core/scene/limits.cpp).
SamplerWork sampler_work(const SamplerConfig& config, const SigmaSchedule& schedule,
                         const SdeParams& sde);

// What sets a run's method apart within its kind, for captions that name a run beside another of
// the same kind: "Euler-Maruyama + 3 corrector steps". A kind with a `summary(config)` function
// says it; the others are their label.
std::string sampler_summary(const SamplerConfig& config);

// The widgets of the active kind only; true when a value changed.
bool edit_sampler(ParamEditor& e, SamplerConfig& config);

// True for a kind that runs the noise process forwards (its config's `runs_forward`): its
// particles start at draws of the data and follow no score.
bool sampler_runs_forward(const SamplerConfig& config);

// The conditioning of a sampler configuration (the kinds with a `condition`), else nullptr.
const Conditioning* sampler_condition(const SamplerConfig& config);
Conditioning* sampler_condition(SamplerConfig& config);

}  // namespace scorelab
