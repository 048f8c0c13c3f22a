// Discrete noise scales σ_1 > σ_2 > … > σ_L for NCSN-style training and annealed Langevin.
//
// Order follows NCSN: index 0 is the LARGEST σ, the last index the smallest (σ_L).
#pragma once
#include "core/common/enum_table.h"
#include <string_view>
#include <vector>

#include "core/common/points.h"
#include "core/noise/noise_level.h"

namespace scorelab {

enum class ScheduleKind {
  Geometric,  // σ_i = exp(linspace(ln σ_max, ln σ_min, L))      (NCSN / NCSNv2 get_sigmas)
  Linear,     // σ_i = linspace(σ_max, σ_min, L)                 (NCSN 'uniform')
  Karras,     // σ_i = (σ_max^(1/ρ) + i/(L−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ  (k-diffusion, no final 0)
};

struct SigmaSchedule {
  ScheduleKind kind = ScheduleKind::Geometric;
  double sigma_min = 0.01;  // smallest σ (data units), > 0, at most 1e6
  double sigma_max = 10.0;  // largest σ (data units), at most 1e6, > sigma_min
  int levels = 10;          // L ≥ 1; with L = 1 the single level is σ_max
  double rho = 7.0;         // Karras exponent ρ > 0 (ignored by the other kinds)
  bool operator==(const SigmaSchedule&) const = default;

  void validate() const;              // throws InputError naming the field and its range
  std::vector<double> sigmas() const;  // L values, descending (validates first)
  // The level of σ_i: m = 1, s = σ_i, t = time_of_sigma(σ_i). O(1).
  NoiseLevel level(int i) const;
  std::vector<NoiseLevel> noise_levels() const;  // level(i) for i = 0 … L − 1, in one pass
  // The VE time of σ on [σ_min, σ_max]: ln(σ/σ_min) / ln(σ_max/σ_min), clamped to [0, 1].
  double time_of_sigma(double sigma) const;

  // The levels laid on a time axis t ∈ [0, 1] (the window's level slider, export captions):
  // equally spaced in INDEX, index 0 (σ_max) at t = 1 and the last index (σ_min) at t = 0.
  //   index_at_time(t) = clamp(round((1 − t)(L − 1)), 0, L − 1)   (nearest level; L = 1 → 0)
  //   time_of_index(i) = 1 − i / (L − 1)                            (L = 1 → 1)
  // so index_at_time(time_of_index(i)) = i. For a geometric schedule time_of_index(i) equals
  // level(i).t; for linear and Karras schedules it does not (their σ are not log-spaced).
  int index_at_time(double t) const;
  double time_of_index(int i) const;

 private:
  double sigma_at(int i) const;  // σ_i of a validated schedule
};

// The largest pairwise Euclidean distance of the points (NCSNv2 technique 1 sets σ_max to it). Exact
// (convex hull, then all hull pairs). Throws InputError on an empty or non-finite point set.
double largest_pairwise_distance(const Points& data);

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<ScheduleKind> {
  static constexpr std::string_view what = "noise schedule";
  static constexpr EnumName<ScheduleKind> names[] = {
      {ScheduleKind::Geometric, "geometric", "geometric"},
      {ScheduleKind::Linear, "linear", "linear"},
      {ScheduleKind::Karras, "karras", "Karras"},
  };
};

}  // namespace scorelab
