// Trainer: a TrainingSession on its own thread, with immutable snapshots for readers.
//
// The UI thread calls start / pause / step_once / reset and the setters at any time; they take
// effect between two training steps. Readers call snapshot(): a copy of a shared pointer to an
// immutable TrainerSnapshot, taken under a mutex that either side holds only for that pointer
// copy, so reading never waits for a training step and never stops one. (libstdc++ 12's
// atomic<shared_ptr> does the same with a spin bit that ThreadSanitizer cannot see.) The
// trainer publishes at most every `publish_interval` seconds while running, and after every
// step while paused, and never publishes non-finite weights. A step that throws stops training
// (the trainer stays alive and paused) and its message is published as `error`; so does new data
// or a reset whose data source throws while the skip far field's reach is fitted.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/common/foreground_gate.h"
#include "core/train/training_session.h"

namespace scorelab {

struct TrainerSnapshot {
  std::shared_ptr<const ModelSnapshot> model;  // null until the first publication
  LossHistory history;
  TrainingHistory snapshots;    // the run's past weights (pointers to immutable snapshots)
  double steps_per_second = 0;  // measured over the last second of running
  std::string warning;          // the divergence guard's last message, "" if none
  std::string error;            // why the last step failed and training stopped, "" if it did not
  bool running = false;
};

class Trainer {
 public:
  Trainer(const TrainConfig& config, DataSource data);
  // Runs a session prepared by the caller (e.g. restored from a checkpoint). With a gate, the
  // loop passes it before every step (core/common/foreground_gate.h); it must outlive the trainer.
  explicit Trainer(std::unique_ptr<TrainingSession> session,
                   const ForegroundGate* gate = nullptr);
  ~Trainer();  // stops and joins the thread
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void start();
  void pause();
  void step_once();  // while paused: exactly one more step
  void reset();      // fresh weights from the seed

  // Each takes effect before the next step.
  void set_learning_rate(double lr);
  void set_batch(int batch);
  void set_objective(const ObjectiveConfig& objective, const SdeParams& sde,
                     const SigmaSchedule& schedule);
  void set_data(DataSource data);

  std::shared_ptr<const TrainerSnapshot> snapshot() const {
    std::lock_guard lock(snap_mu_);
    return published_;
  }
  // Blocks until the trainer has published `step` steps, or is idle (paused, nothing pending).
  void wait_for_step(long step) const;
  // Blocks until every command given so far is done and the trainer is idle (paused, nothing
  // pending, its last state published).
  void wait_idle() const;

  double publish_interval = 1.0 / 60.0;  // seconds

 private:
  template <class F>
  void command(F&& change);
  void loop();
  void publish(TrainingSession& s, bool running, double steps_per_second);

  // Commands and settings, guarded by mu_; the loop applies them between steps.
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool running_ = false, quit_ = false, reset_ = false;
  int pending_steps_ = 0;
  std::optional<double> lr_;
  std::optional<int> batch_;
  std::optional<std::tuple<ObjectiveConfig, SdeParams, SigmaSchedule>> objective_;
  std::optional<DataSource> data_;
  long published_step_ = -1;
  bool idle_ = false;  // the loop is waiting with nothing to do

  std::unique_ptr<TrainingSession> session_;  // touched only by the training thread after start
  std::string error_;  // the last step's exception message, "" once a step succeeds (thread only)
  const ForegroundGate* gate_ = nullptr;
  mutable std::mutex snap_mu_;                // guards only the pointer below
  std::shared_ptr<const TrainerSnapshot> published_;
  std::thread thread_;
};

}  // namespace scorelab
