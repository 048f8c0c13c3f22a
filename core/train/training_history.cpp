// The bounded history of weight snapshots (see training_history.h).
#include "core/train/training_history.h"

#include <algorithm>
#include <cassert>

namespace scorelab {

std::size_t snapshot_bytes(const ModelSnapshot& snapshot) {
  return std::size_t(snapshot.params.size() + snapshot.ema.size()) * sizeof(float);
}

bool TrainingHistory::due(long step) const {
  if (snaps_.empty()) return true;
  return step == first_step() + long(snaps_.size()) * interval_;
}

void TrainingHistory::add(std::shared_ptr<const ModelSnapshot> snapshot) {
  if (!snapshot || !due(snapshot->step)) return;
  if (snaps_.empty()) {
    interval_ = std::max(1L, cfg_.interval);
    bytes_per_ = std::max<std::size_t>(1, snapshot_bytes(*snapshot));
    capacity_ = cfg_.cap_bytes / bytes_per_ / 2 * 2;  // even: see thin()
    snaps_.reserve(capacity_);
  }
  assert(snapshot_bytes(*snapshot) <= bytes_per_);  // one run, one architecture
  if (capacity_ < 2) return;  // not enabled(): no two snapshots fit in the cap
  if (snaps_.size() == capacity_) thin();
  snaps_.push_back(std::move(snapshot));
}

// Keeps the snapshots at even positions (the first among them) and doubles the spacing. The
// capacity C is even, so the snapshot that was due, at first + C × interval, is then the next
// grid point, first + (C/2) × 2 interval: the history stays uniform.
void TrainingHistory::thin() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < snaps_.size(); i += 2) snaps_[kept++] = std::move(snaps_[i]);
  snaps_.resize(kept);
  interval_ *= 2;
}

void TrainingHistory::drop_after(long step) {
  while (!snaps_.empty() && snaps_.back()->step > step) snaps_.pop_back();
}

void TrainingHistory::clear() {
  snaps_.clear();
  interval_ = 0;
  bytes_per_ = capacity_ = 0;
}

std::shared_ptr<const ModelSnapshot> TrainingHistory::nearest(long step) const {
  if (snaps_.empty()) return nullptr;
  // The first snapshot at or after `step`, against the one before it.
  const auto after = std::lower_bound(snaps_.begin(), snaps_.end(), step,
                                      [](const auto& s, long v) { return s->step < v; });
  if (after == snaps_.begin()) return *after;
  if (after == snaps_.end()) return snaps_.back();
  const auto before = after - 1;
  return step - (*before)->step <= (*after)->step - step ? *before : *after;
}

}  // namespace scorelab
