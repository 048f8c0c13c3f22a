// The reverse-SDE predictor–corrector sampler of score_sde (get_pc_sampler): over the grid
// t_k = linspace(T, eps, N), corrector first, then predictor; Euler–Maruyama alone = no corrector.
// Replacement imputation happens here (core/sample/conditioning.h). Its settings, scene-file
// fields, widgets, cost and builder; its row in the registry is its place in SamplerConfig
// (core/sample/sampler_registry.h).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/common/enum_table.h"
#include "core/common/param_editor.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/conditioning.h"
#include "core/sample/sampler.h"

namespace scorelab {

enum class Predictor { EulerMaruyama, ReverseDiffusion, Ancestral, None };
enum class Corrector { None, Langevin };

struct ReverseSdeConfig {
  static constexpr std::string_view key = "reverse_sde";
  static constexpr std::string_view label = "reverse SDE";

  Predictor predictor = Predictor::EulerMaruyama;
  Corrector corrector = Corrector::None;
  double snr = 0.16;        // Langevin corrector target signal-to-noise ratio r
  int corrector_steps = 1;  // corrector steps per time step
  double eps = 1e-5;        // final time (score_sde: 1e-5 for VE, 1e-3 for VP / sub-VP)
  bool denoise = true;      // return x_mean of the last step (score_sde noise_removal)
  // Controllable generation (conditioning.h): imputation is applied by this sampler; guidance
  // (observation, class) by the score it is given (GuidedScore, built by make_scene_run).
  Conditioning condition;
  bool operator==(const ReverseSdeConfig&) const = default;
};

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ReverseSdeConfig> {
  v("predictor", c.predictor);
  v("corrector", c.corrector);
  v("snr", c.snr);
  v("corrector_steps", c.corrector_steps);
  v("eps", c.eps);
  v("denoise", c.denoise);
  v("condition", c.condition);
}

// "Euler-Maruyama + 3 corrector steps": the predictor, and the corrector when there is one.
std::string summary(const ReverseSdeConfig& c);
// The predictor, corrector and denoising widgets (the condition has its own: edit(Conditioning&)).
bool edit(ParamEditor& e, ReverseSdeConfig& c);
SamplerWork work(const ReverseSdeConfig& c, const SigmaSchedule& schedule, const SdeParams& sde);
std::unique_ptr<Sampler> build(const ReverseSdeConfig& c, const SigmaSchedule& schedule,
                               const SdeParams& sde);

template <>
struct EnumTable<Predictor> {
  static constexpr std::string_view what = "predictor";
  static constexpr EnumName<Predictor> names[] = {
      {Predictor::EulerMaruyama, "euler_maruyama", "Euler-Maruyama"},
      {Predictor::ReverseDiffusion, "reverse_diffusion", "reverse diffusion"},
      {Predictor::Ancestral, "ancestral", "ancestral"},
      {Predictor::None, "none", "none"},
  };
};

template <>
struct EnumTable<Corrector> {
  static constexpr std::string_view what = "corrector";
  static constexpr EnumName<Corrector> names[] = {
      {Corrector::None, "none", "none"},
      {Corrector::Langevin, "langevin", "Langevin"},
  };
};

}  // namespace scorelab
