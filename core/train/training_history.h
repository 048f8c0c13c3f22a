// TrainingHistory: a bounded history of weight snapshots through one training run, so a past step
// can be shown again (the window's training scrubber, the "samples through training" export).
//
// It records the snapshot of every `interval`-th step counted from the run's first recorded step
// (step 0 of fresh weights, or the step a checkpoint restored), and keeps at most `capacity()`
// snapshots, the most that fit in `cap_bytes`. When one more is due and the history is full it
// thins itself first: every other snapshot goes and the interval doubles. So the snapshots are
// always at uniform spacing over the whole run, from its first step to the latest recorded one,
// memory never exceeds the cap, and each add is O(1) amortised (a thinning moves C/2 pointers and
// comes once every C/2 adds).
//
// A snapshot is the immutable ModelSnapshot the trainer publishes (weights and their EMA, both
// kept so the raw-or-EMA switch works on a past step too); the history shares it, and copying a
// history (the trainer publishes one to its readers) copies pointers only.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "core/nn/learned_score.h"

namespace scorelab {

class TrainingHistory {
 public:
  struct Config {
    // Steps between snapshots at the start of a run (it doubles at every thinning), ≥ 1. 200
    // steps of the default network take about 0.3 s on one core (README: 5,000 steps in ~8 s),
    // so early training, where the field changes fastest, gets a snapshot every few tenths of
    // a second.
    long interval = 200;
    // Memory the snapshots may take, bytes. 16 MiB holds 54 snapshots of the default network
    // (about 37,800 weights: 295 KiB with their EMA, as `scorelab export --through-training`
    // reports); a network too large for two snapshots in the cap records none (enabled() says
    // so) rather than exceed it.
    std::size_t cap_bytes = std::size_t(16) << 20;
  };

  TrainingHistory() = default;
  explicit TrainingHistory(Config config) : cfg_(config) {}

  // Whether the snapshot of `step` is due: the first of a run, or the next grid point
  // first + size() × interval.
  bool due(long step) const;
  // Records `snapshot` (its step must be due; a null or undue snapshot is ignored), thinning first
  // when full.
  void add(std::shared_ptr<const ModelSnapshot> snapshot);
  // A rollback of the run to `step`: the snapshots after it were of weights that no longer lead
  // to the run's present, so they go (the steps are recorded again as the run redoes them).
  void drop_after(long step);
  void clear();

  // The snapshot whose step is nearest to `step` (the earlier of two equally near); null if
  // empty.
  std::shared_ptr<const ModelSnapshot> nearest(long step) const;
  const std::vector<std::shared_ptr<const ModelSnapshot>>& snapshots() const { return snaps_; }
  bool empty() const { return snaps_.empty(); }
  long first_step() const { return snaps_.empty() ? 0 : snaps_.front()->step; }
  long last_step() const { return snaps_.empty() ? 0 : snaps_.back()->step; }
  long interval() const { return interval_ ? interval_ : cfg_.interval; }

  // Bytes one snapshot of this history's network takes (0 before the first add), what all of
  // them take, and how many fit in the cap (0 until the first add tells the network's size).
  std::size_t bytes_per_snapshot() const { return bytes_per_; }
  std::size_t bytes() const { return bytes_per_ * snaps_.size(); }
  std::size_t capacity() const { return capacity_; }
  // False when not even two snapshots of the network fit in the cap: nothing is recorded.
  bool enabled() const { return bytes_per_ == 0 || capacity_ >= 2; }
  const Config& config() const { return cfg_; }

 private:
  void thin();

  Config cfg_;
  std::vector<std::shared_ptr<const ModelSnapshot>> snaps_;  // ascending steps, uniform spacing
  long interval_ = 0;        // the current spacing (0 until the first add)
  std::size_t bytes_per_ = 0;
  std::size_t capacity_ = 0;  // even, so that a thinning leaves the next grid point on the grid
};

// The memory one snapshot holds: its weights and their EMA (the network's architecture object is
// shared by every snapshot of a run and not counted), bytes.
std::size_t snapshot_bytes(const ModelSnapshot& snapshot);

}  // namespace scorelab
