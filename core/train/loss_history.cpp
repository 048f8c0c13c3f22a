#include "core/train/loss_history.h"

namespace scorelab {

namespace {
LossHistory::Record merge(const LossHistory::Record& a, const LossHistory::Record& b) {
  LossHistory::Record r;
  r.weight = a.weight + b.weight;
  r.step = (a.step * a.weight + b.step * b.weight) / r.weight;
  r.loss = (a.loss * a.weight + b.loss * b.weight) / r.weight;
  for (int k = 0; k < LossHistory::kBands; ++k) {
    r.count[k] = a.count[k] + b.count[k];
    r.band[k] = r.count[k] > 0 ? (a.band[k] * a.count[k] + b.band[k] * b.count[k]) / r.count[k] : 0;
  }
  return r;
}
}  // namespace

void LossHistory::add(long step, double loss, const std::array<double, kBands>& band_sum,
                      const std::array<double, kBands>& band_count) {
  Record r;
  r.step = static_cast<double>(step);
  r.loss = loss;
  r.weight = 1;
  r.count = band_count;
  for (int k = 0; k < kBands; ++k) r.band[k] = band_count[k] > 0 ? band_sum[k] / band_count[k] : 0;
  if (records_.size() == kCapacity) {
    // Halve the resolution: merge pairs. Amortised O(1) per add.
    for (std::size_t i = 0; i < kCapacity / 2; ++i)
      records_[i] = merge(records_[2 * i], records_[2 * i + 1]);
    records_.resize(kCapacity / 2);
  }
  records_.push_back(r);
}

}  // namespace scorelab
