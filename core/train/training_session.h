// TrainingSession: one score model being trained, step by step, on one thread.
//
// Each step draws a fresh batch from the data source with the session's own seeded Rng (with a
// class-conditional network: each point's class, replaced by ∅ with chance train.label_dropout),
// draws the objective's noise, computes the loss and its gradient, and takes an Adam step; the EMA follows.
// A divergence guard watches every step: a non-finite loss, gradient or weight, or a loss that
// explodes (> 1e4 × its running average), rolls the model back to the last good state, divides
// the learning rate by 10 and says why. The Trainer runs a session on its own thread; the headless
// `scorelab train` and the tests drive one directly.
//
// Threads: the batch is split into training_chunks(batch) chunks, a number that depends on the
// batch size only; each chunk's loss and gradient are computed on their own (forward, objective,
// backward into the chunk's gradient) by a small pool of worker threads, and the chunk gradients
// are summed in chunk order. The weights after any number of steps are therefore bit-identical
// whatever the thread count; threads only decide how fast.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/common/thread_pool.h"
#include "core/nn/adam.h"
#include "core/nn/learned_score.h"
#include "core/train/loss_history.h"
#include "core/train/objective.h"
#include "core/train/training_history.h"

namespace scorelab {

// Draws n fresh training points into out (2 × n) with the given generator. A labelled source
// (mixture data: make_data_source) also says which of its `classes()` classes each point was
// drawn from, the mixture component: what a class-conditional network (MlpConfig::classes)
// trains on. Any callable f(n, rng, out) is an unlabelled source.
class DataSource {
 public:
  using Draw = std::function<void(Index n, Rng& rng, Points& out, std::vector<int>* labels)>;

  DataSource() = default;
  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, DataSource> &&
             std::is_invocable_v<F&, Index, Rng&, Points&>)
  DataSource(F f)  // NOLINT(google-explicit-constructor): a lambda is a source
      : draw_([f = std::move(f)](Index n, Rng& rng, Points& out, std::vector<int>*) mutable {
          f(n, rng, out);
        }) {}
  // A labelled source of `classes` ≥ 1 classes: draw fills labels (n values in [0, classes)).
  DataSource(Draw draw, int classes) : draw_(std::move(draw)), classes_(classes) {}

  void operator()(Index n, Rng& rng, Points& out) const { draw_(n, rng, out, nullptr); }
  // Requires classes() > 0.
  void operator()(Index n, Rng& rng, Points& out, std::vector<int>& labels) const {
    draw_(n, rng, out, &labels);
  }
  int classes() const { return classes_; }  // 0: unlabelled
  explicit operator bool() const { return bool(draw_); }

 private:
  Draw draw_;
  int classes_ = 0;
};

// The training settings a scene holds (its "train" block): network, objective, optimiser, batch,
// seed. No noise process: the scene's noise block is the one process, and TrainConfig adds it.
struct TrainSettings {
  MlpConfig model;
  ObjectiveConfig objective;
  AdamConfig adam;
  double ema_rate = 0.999;  // EMA target decay per step
  int batch = 256;          // training points per step, ≥ 1
  std::uint64_t seed = 0;   // initial weights, embedding frequencies and the data/noise stream
  // p_uncond, [0, 1]: the chance a class-conditional network's training label is replaced by ∅,
  // so that one network learns both s(x, t, k) and s(x, t, ∅) (Ho & Salimans 2022 use 0.1–0.2;
  // SCORE_SPEC §9.5). Unused by an unconditional network.
  double label_dropout = 0.15;
  // Threads a training step uses, [0, 64]; 0 = auto (training_threads). Never changes results.
  int threads = 0;
  bool operator==(const TrainSettings&) const = default;
};

// What a TrainingSession runs: the settings and the noise process they train for
// (Scene::train_config() joins a scene's train and noise blocks).
struct TrainConfig : TrainSettings {
  SdeParams sde;            // noise process for continuous levels
  SigmaSchedule schedule;   // noise scales for discrete levels
  bool operator==(const TrainConfig&) const = default;

  void validate() const;  // throws InputError naming the field
};

// The recipe of new scenes is the defaults of MlpConfig and ObjectiveConfig: the preconditioned
// output with a low-frequency Fourier(log σ̂) embedding, levels log-uniform in σ̂, balanced
// weighting, for every process but the straight path, which trains a velocity network by flow
// matching (README "Model and training" has the measurements behind it).
MlpConfig default_model_for(SdeKind kind);

// Where a data source's data lies (core/nn/mlp.h DataReach): the mean of 4096 finite draws and
// the largest distance of one from it, with a generator of its own seeded from `seed` (so the
// training stream is the same whether or not it is drawn). Empty if no draw is finite.
std::optional<DataReach> fit_reach(const DataSource& data, std::uint64_t seed);

// Throws InputError unless a class-conditional `model` (classes > 0) has the data's number of
// classes (its mixture components; 0 for data without components). Unconditional models pass.
void check_classes(const MlpConfig& model, int data_classes);

// The thread count for a train.threads setting: itself if ≥ 1; auto (0) is every hardware thread
// headless, and one fewer in the window (its frame needs a core), at least 1.
int training_threads(int setting, bool window);
// The chunks a batch is split into: one per 128 samples (a product of 128 columns still runs the
// GEMM kernels near their peak), at most 16 (enough for 16 threads; each chunk keeps a gradient).
int training_chunks(int batch);
// The recipe before issue 11, still selectable: VE → Fourier(log σ, scale 16) embedding and
// score = h/σ; VP / sub-VP → sinusoidal(999 t) embedding and noise prediction; t ~ U(eps, 1),
// λ = s².
MlpConfig previous_model_for(SdeKind kind);
ObjectiveConfig previous_objective();

class TrainingSession {
 public:
  // With the skip far field (core/nn/mlp.h) it draws 4096 points of `data` once, on a stream of
  // its own, to fit the data's reach (fit_reach).
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
  // New data; with the skip far field the reach is refitted (the weights are kept). If the
  // source throws while it is drawn, so does set_data, and the session is unchanged.
  void set_data(DataSource data);
  void set_threads(int threads);  // a train.threads setting (0 = auto, headless)
  // Fresh weights from the seed, optimiser and history cleared. With the skip far field it draws
  // the data to fit the reach; if that throws, the session is unchanged.
  void reset();

  const TrainConfig& config() const { return cfg_; }
  long steps() const { return step_; }
  const std::string& warning() const { return warning_; }  // last guard message, "" if none
  bool stalled() const { return stalled_; }  // the guard gave up (learning rate too small)
  const LossHistory& history() const { return history_; }
  // The run's weight snapshots every so many steps, within a memory cap (training_history.h):
  // from step 0 (or the restored step) to the latest recorded, for showing a past step again.
  const TrainingHistory& snapshots() const { return snapshots_; }
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
  double evaluate_batch();  // batch_ → grad_, per_sample_; returns the mean loss
  void save_good_state();
  void roll_back(const std::string& why);
  void record_snapshot();  // into snapshots_, when the step is due

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
  std::vector<int> labels_;  // the batch's classes (class-conditional network)
  ObjectiveBatch<float> batch_;
  // One per chunk of the batch: its samples, saved activations, gradient (chunk 0 adds into
  // grad_ directly) and per-sample losses. Only the thread running the chunk touches them.
  struct Chunk {
    Index begin = 0;
    ObjectiveBatch<float> batch;
    Mlp::Context ctx;
    Eigen::VectorXf grad;
    ValuesT<float> per_sample;
    double loss = 0;  // the chunk's share of the batch's mean loss
  };
  std::vector<Chunk> chunks_;
  // Created by the first step, on the thread that runs the steps, so that the workers inherit
  // its priority (the window's trainer runs below the UI thread).
  std::unique_ptr<ThreadPool> pool_;
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
  TrainingHistory snapshots_;
};

}  // namespace scorelab
