// The Sampler base: a step-able sampler over a batch of particles, driven by any ScoreModel.
//
// A Sampler owns N particles. start() places them; each step() advances them by one step of the
// method (one accepted step for adaptive RK45) so an animation can read particles() in between;
// step() returns false once the run is finished. Randomness comes only from the Rng passed in.
//
// Each kind lives in its own file with its settings, scene-file fields, widgets, cost and builder
// (core/sample/langevin.h, annealed_langevin.h, reverse_sde.h, probability_flow.h, forward_sde.h,
// ddim.h); the registry
// (core/sample/sampler_registry.h) lists them once and builds one from a SamplerConfig.
#pragma once
#include "core/common/rng.h"
#include "core/sample/trajectory_buffer.h"
#include "core/score/score_model.h"

namespace scorelab {

// What a whole run costs per particle: score evaluations and steps (core/scene/limits.cpp turns
// them into time and memory).
struct SamplerWork {
  double evaluations = 0;
  double steps = 0;
};

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

}  // namespace scorelab
