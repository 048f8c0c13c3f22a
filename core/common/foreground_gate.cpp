// The gate background work passes (see foreground_gate.h).
#include "core/common/foreground_gate.h"

#include <algorithm>

namespace scorelab {

namespace {
thread_local int unit_depth = 0;  // units open on this thread
}  // namespace

ForegroundGate::ForegroundGate(int slots) : slots_(std::max(slots, 1)) {}

void ForegroundGate::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

void ForegroundGate::open() {
  {
    std::lock_guard lock(mu_);
    closed_ = false;
  }
  cv_.notify_all();
}

bool ForegroundGate::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

ForegroundGate::Unit::Unit(const ForegroundGate* gate) {
  if (unit_depth++ > 0 || !gate) return;
  std::unique_lock lock(gate->mu_);
  gate->cv_.wait(lock, [&] { return !gate->closed_ && gate->busy_ < gate->slots_; });
  ++gate->busy_;
  held_ = gate;
}

ForegroundGate::Unit::~Unit() {
  --unit_depth;
  if (!held_) return;
  {
    std::lock_guard lock(held_->mu_);
    --held_->busy_;
  }
  held_->cv_.notify_all();
}

}  // namespace scorelab
