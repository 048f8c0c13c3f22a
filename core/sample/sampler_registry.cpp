// The sampler registry's rows (see sampler_registry.h).
#include "core/sample/sampler_registry.h"

#include <array>

namespace scorelab {

namespace {

const std::array<SamplerInfo, 4> kSamplers = {{
    {"langevin", "Langevin", LangevinConfig{}},
    {"annealed_langevin", "annealed Langevin", AnnealedLangevinConfig{}},
    {"reverse_sde", "reverse SDE", ReverseSdeConfig{}},
    {"probability_flow", "probability-flow ODE", ProbabilityFlowConfig{}},
}};
static_assert(kSamplers.size() == std::variant_size_v<SamplerConfig>,
              "one registry row per SamplerConfig alternative");

}  // namespace

std::span<const SamplerInfo> sampler_registry() { return kSamplers; }

const SamplerInfo& sampler_info(const SamplerConfig& config) { return kSamplers[config.index()]; }

}  // namespace scorelab
