// Step-able samplers over a batch of particles, driven by any ScoreModel.
//
// A Sampler owns N particles. start() places them; each step() advances them by one step of the
// method (one accepted step for adaptive RK45) so an animation can read particles() in between;
// step() returns false once the run is finished. Randomness comes only from the Rng passed in.
//
// The samplers and their sources (see shared SCORE_SPEC.md):
//   Langevin            x ← x + α s(x, σ) + √(2α) z at a fixed level        (NCSN, convention (b))
//   AnnealedLangevin    the same over σ_1 > … > σ_L with α_i = ε σ_i² / σ_L², T steps per level,
//                       optional final denoising x ← x + σ_L² s(x, σ_L)      (NCSN / NCSNv2)
//   ReverseSde          predictor–corrector over t_k = linspace(T, eps, N): corrector first, then
//                       predictor (score_sde get_pc_sampler); Euler–Maruyama alone = no corrector
//   ProbabilityFlow     dx/dt = f(x, t) − ½ g(t)² s(x, t) from t_start to t_end with Euler, Heun,
//                       RK4 (fixed steps) or adaptive Dormand–Prince RK45 (rtol / atol), all
//                       by the one ODE module (core/sample/ode.h)
#pragma once
#include "core/common/enum_table.h"
#include <memory>
#include <string_view>
#include <variant>

#include "core/common/rng.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/conditioning.h"
#include "core/sample/ode.h"
#include "core/sample/trajectory_buffer.h"
#include "core/score/score_model.h"

namespace scorelab {

// Where particles start when start(n, rng) is used.
struct InitialDistribution {
  enum class Kind { Uniform, Gaussian } kind = Kind::Uniform;
  double lo = -8.0, hi = 8.0;  // Uniform: the box [lo, hi]², data units (NCSN toy: U[−8, 8]²)
  double std = 1.0;            // Gaussian: N(0, std² I)
  bool operator==(const InitialDistribution&) const = default;
};

struct LangevinConfig {
  double step_size = 0.01;  // α, in data units² (convention (b); NCSN toy ε = 0.1 is α = 0.05)
  int steps = 1000;         // number of steps, ≥ 1
  double sigma = 0.0;       // the fixed noise level s (data units); 0 = the data density itself
  InitialDistribution init;
  bool operator==(const LangevinConfig&) const = default;
};

struct AnnealedLangevinConfig {
  double epsilon = 1e-3;     // ε: the step size at the smallest level, data units²
  int steps_per_level = 100; // T ≥ 1
  bool denoise = true;       // final Tweedie step x ← x + σ_L² s(x, σ_L), no noise
  InitialDistribution init;
  bool operator==(const AnnealedLangevinConfig&) const = default;
};

enum class Predictor { EulerMaruyama, ReverseDiffusion, Ancestral, None };
enum class Corrector { None, Langevin };

struct ReverseSdeConfig {
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

struct ProbabilityFlowConfig {
  OdeMethod method = OdeMethod::Rk45;
  int steps = 100;          // fixed-step methods: number of steps from t_start to t_end
  double rtol = 1e-5;       // RK45 relative tolerance (scipy solve_ivp semantics)
  double atol = 1e-5;       // RK45 absolute tolerance
  double t_start = 1.0;     // integrate from here ... (1 = the prior)
  double t_end = 1e-5;      // ... to here; t_end > t_start integrates data → noise
  bool denoise = false;     // one reverse-diffusion step at t_end, returning x_mean
  // Guidance only (observation, class: a GuidedScore built by make_scene_run); imputation is a
  // reverse-SDE method and is refused here.
  Conditioning condition;
  bool operator==(const ProbabilityFlowConfig&) const = default;
};

using SamplerConfig =
    std::variant<LangevinConfig, AnnealedLangevinConfig, ReverseSdeConfig, ProbabilityFlowConfig>;

class Sampler {
 public:
  virtual ~Sampler() = default;

  // Place n particles where the method starts (its initial distribution or the SDE prior).
  void start(Index n, Rng& rng);
  // Start from given particles (e.g. data, to integrate the ODE towards the prior).
  void start(const Points& x0);

  // One step; false (and no change) once finished.
  virtual bool step(const ScoreModel& model, Rng& rng) = 0;
  // Steps until finished.
  void run(const ScoreModel& model, Rng& rng);

  bool finished() const { return finished_; }
  int steps_taken() const { return steps_taken_; }
  virtual int total_steps() const = 0;  // −1 when unknown in advance (adaptive RK45)
  virtual NoiseLevel level() const = 0;  // the level the particles are at now

  const Points& particles() const { return x_; }
  // Keep the last `capacity` positions of the first `tracked` particles (records from start()).
  void record_trajectories(Index tracked, Index capacity);
  const TrajectoryBuffer& trajectories() const { return traj_; }

 protected:
  virtual void initial(Index n, Rng& rng, Points& out) const = 0;
  virtual void on_start() {}  // reset the method's own counters
  void recorded_step();       // call after each step: counts it, records trajectories

  Points x_;  // 2 × N particles
  int steps_taken_ = 0;
  bool finished_ = true;  // until start(): step() before start() does nothing

 private:
  TrajectoryBuffer traj_;
  Index traj_tracked_ = 0, traj_capacity_ = 0;
};

// The conditioning of a sampler configuration (reverse SDE, probability flow), else nullptr.
const Conditioning* sampler_condition(const SamplerConfig& config);
Conditioning* sampler_condition(SamplerConfig& config);

// The one way to build a sampler from its configuration and the scene's noise settings.
// Validates the configuration (throws InputError naming the field and its range).
std::unique_ptr<Sampler> make_sampler(const SamplerConfig& config, const SigmaSchedule& schedule,
                                      const SdeParams& sde);


// Keys and labels (core/common/enum_table.h).
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

template <>
struct EnumTable<InitialDistribution::Kind> {
  static constexpr std::string_view what = "initial distribution";
  static constexpr EnumName<InitialDistribution::Kind> names[] = {
      {InitialDistribution::Kind::Uniform, "uniform", "uniform box"},
      {InitialDistribution::Kind::Gaussian, "gaussian", "Gaussian"},
  };
};

}  // namespace scorelab
