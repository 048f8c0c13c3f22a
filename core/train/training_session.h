// TrainingSession: one score model being trained, step by step, on one thread.
//
// Each step draws a fresh batch from the data source with the session's own seeded Rng, draws the
// objective's noise, computes the loss and its gradient, and takes an Adam step; the EMA follows.
// A divergence guard watches every step: a non-finite loss, gradient or weight, or a loss that
// explodes (> 1e4 × its running average), rolls the model back to the last good state, divides
// the learning rate by 10 and says why. The Trainer runs a session on its own thread; the headless
// `scorelab train` and the tests drive one directly.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "core/nn/adam.h"
#include "core/nn/learned_score.h"
#include "core/train/loss_history.h"
#include "core/train/objective.h"

namespace scorelab {

// Draws n fresh training points into out (2 × n) with the given generator.
using DataSource = std::function<void(Index n, Rng& rng, Points& out)>;

struct TrainConfig {
  MlpConfig model;
  ObjectiveConfig objective;
  SdeParams sde;            // noise process for continuous levels
  SigmaSchedule schedule;   // noise scales for discrete levels
  AdamConfig adam;
  double ema_rate = 0.999;  // EMA target decay per step
  int batch = 256;          // training points per step, ≥ 1
  std::uint64_t seed = 0;   // initial weights, embedding frequencies and the data/noise stream
  bool operator==(const TrainConfig&) const = default;

  void validate() const;  // throws InputError naming the field
};

// The recipe of new scenes is the defaults of MlpConfig and ObjectiveConfig: the preconditioned
// output with a low-frequency Fourier(log σ̂) embedding, levels log-uniform in σ̂, balanced
// weighting, for every process (README "Model and training" has the measurements behind it).
MlpConfig default_model_for(SdeKind kind);
// The recipe before issue 11, still selectable: VE → Fourier(log σ, scale 16) embedding and
// score = h/σ; VP / sub-VP → sinusoidal(999 t) embedding and noise prediction; t ~ U(eps, 1),
// λ = s².
MlpConfig previous_model_for(SdeKind kind);
ObjectiveConfig previous_objective();

class TrainingSession {
 public:
  TrainingSession(const TrainConfig& config, DataSource data);

  struct StepResult {
    double loss = 0;
    double grad_norm = 0;
    bool rolled_back = false;  // the guard fired this step (see warning())
  };
  StepResult step();

  // Settings that may change between steps. Changing the architecture (model) restarts.
  void set_learning_rate(double lr);
  void set_batch(int batch);
  void set_objective(const ObjectiveConfig& objective, const SdeParams& sde,
                     const SigmaSchedule& schedule);
  void set_data(DataSource data);
  void reset();  // fresh weights from the seed, optimiser and history cleared

  const TrainConfig& config() const { return cfg_; }
  long steps() const { return step_; }
  const std::string& warning() const { return warning_; }  // last guard message, "" if none
  bool stalled() const { return stalled_; }  // the guard gave up (learning rate too small)
  const LossHistory& history() const { return history_; }
  const Mlp& mlp() const { return *mlp_; }
  const Eigen::VectorXf& params() const { return params_; }
  const Ema& ema() const { return ema_; }
  const Adam& adam() const { return adam_; }

  // An immutable copy for readers; nullptr if the weights are not all finite (never published).
  std::shared_ptr<const ModelSnapshot> snapshot() const;

  // Restore a saved state (checkpoints). The architecture must match mlp().
  void restore(long step, const Eigen::VectorXf& params, const Eigen::VectorXf& ema,
               long ema_updates, long adam_steps, const Eigen::VectorXf& adam_m,
               const Eigen::VectorXf& adam_v);

 private:
  void build_model();
  void save_good_state();
  void roll_back(const std::string& why);

  TrainConfig cfg_;
  DataSource data_;
  std::shared_ptr<const Mlp> mlp_;
  std::unique_ptr<Objective> objective_;
  Rng rng_;
  Eigen::VectorXf params_, grad_;
  Adam adam_;
  Ema ema_;
  long step_ = 0;

  // Workspace reused every step.
  Points x0_;
  ObjectiveBatch<float> batch_;
  Mlp::Context ctx_;
  ValuesT<float> per_sample_;
  ValuesT<float> band_;  // each sample's position in the loss-history bands
  double band_lo_ = 0, band_hi_ = 1;  // log s range of the bands

  // Divergence guard.
  struct GoodState {
    long step = 0;
    Eigen::VectorXf params, ema, m, v;
    long ema_updates = 0, adam_steps = 0;
  } good_;
  double loss_avg_ = 0;  // running average of the accepted steps' losses (EMA over ~50 steps)
  int rollbacks_in_a_row_ = 0;
  bool stalled_ = false;
  std::string warning_;
  LossHistory history_;
};

}  // namespace scorelab
