#include "core/train/trainer.h"

#include <chrono>
#include <exception>
#include <utility>

#include "core/common/error.h"

namespace scorelab {

using Clock = std::chrono::steady_clock;

Trainer::Trainer(const TrainConfig& config, DataSource data)
    : Trainer(std::make_unique<TrainingSession>(config, std::move(data))) {}

Trainer::Trainer(std::unique_ptr<TrainingSession> session, const ForegroundGate* gate)
    : session_(std::move(session)), gate_(gate) {
  publish(*session_, false, 0.0);
  thread_ = std::thread([this] { loop(); });
}

Trainer::~Trainer() {
  command([&] { quit_ = true; });
  thread_.join();
}

// Every command: change the shared state under the lock, then wake the loop.
template <class F>
void Trainer::command(F&& change) {
  {
    std::lock_guard lock(mu_);
    change();
    idle_ = false;
  }
  cv_.notify_all();
}

void Trainer::start() {
  command([&] { running_ = true; });
}
void Trainer::pause() {
  command([&] { running_ = false; });
}
void Trainer::step_once() {
  command([&] { ++pending_steps_; });
}
void Trainer::reset() {
  command([&] { reset_ = true; });
}
void Trainer::set_learning_rate(double lr) {
  require_in_range("train.lr", lr, 0.0, 1e6);  // validate here, in the caller's thread
  command([&] { lr_ = lr; });
}
void Trainer::set_batch(int batch) {
  require_in_range("train.batch", batch, 1, 65536);
  command([&] { batch_ = batch; });
}
void Trainer::set_objective(const ObjectiveConfig& objective, const SdeParams& sde,
                            const SigmaSchedule& schedule) {
  Objective(objective, Sde(sde), schedule);
  command([&] { objective_.emplace(objective, sde, schedule); });
}
void Trainer::set_data(DataSource data) {
  command([&] { data_ = std::move(data); });
}

void Trainer::wait_for_step(long step) const {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return published_step_ >= step || quit_ || idle_; });
}

void Trainer::wait_idle() const {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return quit_ || idle_; });
}

void Trainer::publish(TrainingSession& s, bool running, double steps_per_second) {
  auto snap = std::make_shared<TrainerSnapshot>();
  snap->model = s.snapshot();
  if (!snap->model) {
    auto previous = snapshot();
    if (previous) snap->model = previous->model;  // keep the last finite weights
  }
  snap->history = s.history();
  snap->snapshots = s.snapshots();
  snap->steps_per_second = steps_per_second;
  snap->warning = s.warning();
  snap->error = error_;
  snap->running = running;
  std::shared_ptr<const TrainerSnapshot> old;
  {
    std::lock_guard lock(snap_mu_);
    old = std::exchange(published_, std::move(snap));
  }  // `old` may be the last reference: freed here, outside the lock
}

void Trainer::loop() {
  TrainingSession& s = *session_;
  auto last_publish = Clock::now();
  auto rate_start = Clock::now();
  long rate_steps = 0;
  double steps_per_second = 0;
  for (;;) {
    bool running, one_step;
    {
      std::unique_lock lock(mu_);
      auto has_work = [&] {
        return quit_ || running_ || pending_steps_ > 0 || reset_ || lr_ || batch_ || objective_ ||
               data_;
      };
      if (!has_work()) {
        idle_ = true;
        cv_.notify_all();
        cv_.wait(lock, has_work);
      }
      idle_ = false;
      if (quit_) return;
      // Apply commands between steps. Settings were validated by the setters.
      if (lr_) s.set_learning_rate(*lr_), lr_.reset();
      if (batch_) s.set_batch(*batch_), batch_.reset();
      if (objective_) {
        const auto& [o, sde, sch] = *objective_;
        s.set_objective(o, sde, sch);
        objective_.reset();
      }
      // New data and a reset draw the data (the skip far field's reach): a source that throws
      // there stops training as a failing step does, and leaves the session as it was.
      try {
        if (data_) {
          DataSource next = std::move(*data_);
          data_.reset();
          s.set_data(std::move(next));
        }
        if (reset_) reset_ = false, s.reset(), published_step_ = -1;
      } catch (const std::exception& e) {
        error_ = e.what();
        running_ = false;
        pending_steps_ = 0;
      }
      if (s.stalled()) running_ = false;  // the divergence guard gave up: pause
      running = running_;
      one_step = !running && pending_steps_ > 0;
      if (one_step) --pending_steps_;
    }
    if (running || one_step) {
      pass(gate_);  // outside the lock: commands and snapshots go on while the gate is closed
      try {
        s.step();
        error_.clear();
        ++rate_steps;
      } catch (const std::exception& e) {
        // A failing step (e.g. a data source that throws) must not end the process: stop, keep
        // the last published weights, and say why. Starting again retries.
        error_ = e.what();
        std::lock_guard lock(mu_);
        running_ = false;
        pending_steps_ = 0;
        running = false;
      }
    }
    const auto now = Clock::now();
    const double since_rate = std::chrono::duration<double>(now - rate_start).count();
    if (since_rate >= 1.0 || !running) {
      steps_per_second = since_rate > 0 && running ? rate_steps / since_rate : steps_per_second;
      rate_start = now;
      rate_steps = 0;
    }
    if (!running || std::chrono::duration<double>(now - last_publish).count() >= publish_interval) {
      publish(s, running, steps_per_second);
      last_publish = now;
      {
        std::lock_guard lock(mu_);
        published_step_ = s.steps();
      }
      cv_.notify_all();
    }
  }
}

}  // namespace scorelab
