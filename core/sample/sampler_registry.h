// The sampler registry: one row per sampler kind (its key in scene files, its label in the window,
// its default configuration), in the order of SamplerConfig's alternatives. The scene reader and
// writer and the window's Sampler panel read it; make_sampler (sampler.h) builds one. Adding a
// sampler: its config struct in the SamplerConfig variant, its class, a case in make_sampler, a row
// here, and its widgets in app/ui/sampler_widgets.cpp (a missing overload fails to compile).
#pragma once
#include <span>
#include <string_view>

#include "core/sample/sampler.h"

namespace scorelab {

struct SamplerInfo {
  std::string_view key;    // "reverse_sde": sampler.kind in scene files
  std::string_view label;  // "reverse SDE": the window's sampler menu
  SamplerConfig defaults;  // its configuration before any edit
};

std::span<const SamplerInfo> sampler_registry();

// The registry row of `config`'s kind.
const SamplerInfo& sampler_info(const SamplerConfig& config);
inline std::string_view sampler_name(const SamplerConfig& config) {
  return sampler_info(config).key;
}

}  // namespace scorelab
