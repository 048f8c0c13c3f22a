// TrajectoryBuffer: a fixed ring of frames; recording overwrites the oldest once full.
#include "core/sample/trajectory_buffer.h"

#include <algorithm>
#include <cassert>

namespace scorelab {

TrajectoryBuffer::TrajectoryBuffer(Index tracked, Index capacity)
    : tracked_(tracked), frames_(static_cast<std::size_t>(capacity), Points(2, tracked)) {
  assert(tracked >= 0 && capacity >= 0);
}

void TrajectoryBuffer::clear() {
  head_ = 0;
  size_ = 0;
}

void TrajectoryBuffer::record(const Points& x) {
  if (frames_.empty()) return;
  assert(x.cols() >= tracked_);
  frames_[static_cast<std::size_t>(head_)] = x.leftCols(tracked_);  // same size: no allocation
  head_ = (head_ + 1) % capacity();
  size_ = std::min(size_ + 1, capacity());
}

const Points& TrajectoryBuffer::frame(Index k) const {
  assert(k >= 0 && k < size_);
  return frames_[static_cast<std::size_t>((head_ - size_ + k + capacity()) % capacity())];
}

}  // namespace scorelab
