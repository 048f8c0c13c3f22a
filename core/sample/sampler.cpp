// The Sampler base (start, run, trajectory recording), the configuration factory and the names
// of samplers, predictors, correctors and ODE methods. The methods live in langevin.cpp,
// reverse_sde.cpp and probability_flow.cpp.
#include <utility>
#include "core/sample/sampler.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {

// ---------------------------------------------------------------------------------------------
// Sampler base

void Sampler::start(Index n, Rng& rng) {
  x_.resize(2, n);
  initial(n, rng, x_);
  start(x_);
}

void Sampler::start(const Points& x0) {
  if (&x0 != &x_) x_ = x0;
  steps_taken_ = 0;
  finished_ = false;
  on_start();
  const Index tracked = std::min(traj_tracked_, x_.cols());
  if (traj_.tracked() != tracked || traj_.capacity() != traj_capacity_)
    traj_ = TrajectoryBuffer(tracked, traj_capacity_);
  traj_.clear();
  traj_.record(x_);
}

void Sampler::run(const ScoreModel& model, Rng& rng) {
  while (step(model, rng)) {
  }
}

void Sampler::record_trajectories(Index tracked, Index capacity) {
  require_in_range("trajectories.tracked", static_cast<double>(tracked), 0, 1e6);
  require_in_range("trajectories.capacity", static_cast<double>(capacity), 0, 1e6);
  // 2.5e7 stored points = 200 MB: the bound that keeps a long recording from eating the machine.
  require_in_range("trajectories.tracked × trajectories.capacity",
                   static_cast<double>(tracked) * static_cast<double>(capacity), 0, 2.5e7);
  traj_tracked_ = tracked;
  traj_capacity_ = capacity;
  // Called mid-run: record from the current positions on.
  traj_ = TrajectoryBuffer(std::min(tracked, x_.cols()), capacity);
  if (x_.cols() > 0) traj_.record(x_);
}

void Sampler::recorded_step() {
  ++steps_taken_;
  traj_.record(x_);
  if (total_steps() >= 0 && steps_taken_ >= total_steps()) finished_ = true;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of the samplers

namespace detail {

void validate(const InitialDistribution& init) {
  if (init.kind == InitialDistribution::Kind::Uniform) {
    require_in_range("sampler.init.lo", init.lo, -1e6, 1e6);
    require_in_range("sampler.init.hi", init.hi, -1e6, 1e6);
    if (!(init.lo < init.hi))
      throw InputError("sampler.init: lo (" + std::to_string(init.lo) +
                       ") must be smaller than hi (" + std::to_string(init.hi) + ")");
  } else {
    require_above("sampler.init.std", init.std, 0.0);
    require_in_range("sampler.init.std", init.std, 0.0, 1e6);
  }
}

void sample_initial(const InitialDistribution& init, Rng& rng, Points& out) {
  if (init.kind == InitialDistribution::Kind::Uniform) {
    rng.fill_uniform(out.data(), out.size(), static_cast<float>(init.lo),
                     static_cast<float>(init.hi));
  } else {
    rng.fill_normal(out);
    out *= static_cast<float>(init.std);
  }
}

void ParticleSampler::affine_update(double a, double b, double c, Rng& rng) {
  const float af = static_cast<float>(a), bf = static_cast<float>(b);
  if (c == 0.0) {
    x_ = af * x_ + bf * score_;
    return;
  }
  draw_noise(rng);
  x_ = af * x_ + bf * score_ + static_cast<float>(c) * noise_;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Factory and names

std::unique_ptr<Sampler> make_sampler(const SamplerConfig& config, const SigmaSchedule& schedule,
                                      const SdeParams& sde) {
  return std::visit(
      [&](const auto& c) -> std::unique_ptr<Sampler> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, LangevinConfig>) return detail::make_langevin(c);
        if constexpr (std::is_same_v<C, AnnealedLangevinConfig>)
          return detail::make_annealed_langevin(c, schedule);
        if constexpr (std::is_same_v<C, ReverseSdeConfig>) return detail::make_reverse_sde(c, sde);
        if constexpr (std::is_same_v<C, ProbabilityFlowConfig>)
          return detail::make_probability_flow(c, sde);
      },
      config);
}

const Conditioning* sampler_condition(const SamplerConfig& config) {
  if (const auto* c = std::get_if<ReverseSdeConfig>(&config)) return &c->condition;
  if (const auto* c = std::get_if<ProbabilityFlowConfig>(&config)) return &c->condition;
  return nullptr;
}

Conditioning* sampler_condition(SamplerConfig& config) {
  return const_cast<Conditioning*>(sampler_condition(std::as_const(config)));
}

}  // namespace scorelab
