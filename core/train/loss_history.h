// LossHistory: the training loss over time, overall and per noise band, for the live plot.
// Bounded: when full, neighbouring records are merged (averaged), so a long run keeps its whole
// shape at decreasing resolution and memory never grows.
#pragma once
#include <array>
#include <vector>

namespace scorelab {

class LossHistory {
 public:
  static constexpr int kBands = 4;    // noise bands, evenly spaced in log s over the training range
  static constexpr int kCapacity = 2048;

  struct Record {
    double step = 0;                   // mean step index of the merged records
    double loss = 0;                   // mean batch loss
    std::array<double, kBands> band{};  // mean per-sample loss in each band (0 where no samples)
    std::array<double, kBands> count{};  // samples that fell in each band
    double weight = 0;                 // records merged into this one
  };

  void add(long step, double loss, const std::array<double, kBands>& band_sum,
           const std::array<double, kBands>& band_count);
  void clear() { records_.clear(); }
  const std::vector<Record>& records() const { return records_; }

 private:
  std::vector<Record> records_;
};

}  // namespace scorelab
