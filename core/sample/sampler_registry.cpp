// The sampler registry's rows and visitors (see sampler_registry.h).
#include "core/sample/sampler_registry.h"

#include <array>
#include <type_traits>
#include <utility>

namespace scorelab {

namespace {

template <std::size_t... I>
std::array<SamplerInfo, sizeof...(I)> make_rows(std::index_sequence<I...>) {
  return {{SamplerInfo{std::variant_alternative_t<I, SamplerConfig>::key,
                       std::variant_alternative_t<I, SamplerConfig>::label,
                       SamplerConfig(std::in_place_index<I>)}...}};
}

const auto kSamplers = make_rows(std::make_index_sequence<std::variant_size_v<SamplerConfig>>{});

}  // namespace

std::span<const SamplerInfo> sampler_registry() { return kSamplers; }

const SamplerInfo& sampler_info(const SamplerConfig& config) { return kSamplers[config.index()]; }

std::unique_ptr<Sampler> make_sampler(const SamplerConfig& config, const SigmaSchedule& schedule,
                                      const SdeParams& sde) {
  return std::visit([&](const auto& c) { return build(c, schedule, sde); }, config);
}

SamplerWork sampler_work(const SamplerConfig& config, const SigmaSchedule& schedule,
                         const SdeParams& sde) {
  return std::visit([&](const auto& c) { return work(c, schedule, sde); }, config);
}

bool edit_sampler(ParamEditor& e, SamplerConfig& config) {
  return std::visit([&](auto& c) { return edit(e, c); }, config);
}

std::string sampler_summary(const SamplerConfig& config) {
  return std::visit(
      [](const auto& c) -> std::string {
        if constexpr (requires { summary(c); })
          return summary(c);
        else
          return std::string(std::decay_t<decltype(c)>::label);
      },
      config);
}

bool sampler_runs_forward(const SamplerConfig& config) {
  return std::visit(
      [](const auto& c) {
        if constexpr (requires { std::decay_t<decltype(c)>::runs_forward; })
          return std::decay_t<decltype(c)>::runs_forward;
        else
          return false;
      },
      config);
}

const Conditioning* sampler_condition(const SamplerConfig& config) {
  return std::visit(
      [](const auto& c) -> const Conditioning* {
        if constexpr (requires { c.condition; })
          return &c.condition;
        else
          return nullptr;
      },
      config);
}

Conditioning* sampler_condition(SamplerConfig& config) {
  return const_cast<Conditioning*>(sampler_condition(std::as_const(config)));
}

}  // namespace scorelab
