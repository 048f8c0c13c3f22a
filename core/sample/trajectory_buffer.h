// TrajectoryBuffer: the last `capacity` recorded positions of the first `tracked` particles.
// A ring buffer of fixed size, so recording for a long run never grows memory.
#pragma once
#include <vector>

#include "core/common/points.h"

namespace scorelab {

class TrajectoryBuffer {
 public:
  TrajectoryBuffer() = default;
  TrajectoryBuffer(Index tracked, Index capacity);  // capacity 0 records nothing

  void clear();
  void record(const Points& x);  // stores the first tracked() columns of x

  Index tracked() const { return tracked_; }
  Index capacity() const { return static_cast<Index>(frames_.size()); }
  Index size() const { return size_; }  // frames stored, ≤ capacity
  // Frame k, 0 = oldest stored, size() − 1 = newest; 2 × tracked().
  const Points& frame(Index k) const;

 private:
  Index tracked_ = 0;
  std::vector<Points> frames_;
  Index head_ = 0;  // where the next frame goes
  Index size_ = 0;
};

}  // namespace scorelab
