// Discrete noise scales σ_1 > σ_2 > … > σ_L for NCSN-style training and annealed Langevin.
//
// Order follows NCSN: index 0 is the LARGEST σ, the last index the smallest (σ_L).
#pragma once
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

  void validate() const;              // throws InputError naming the field and its range
  std::vector<double> sigmas() const;  // L values, descending (validates first)
  // The level of σ_i: m = 1, s = σ_i, t = the VE time of σ_i on [σ_min, σ_max] (0 at σ_min).
  NoiseLevel level(int i) const;  // O(1)

 private:
  double sigma_at(int i) const;  // σ_i of a validated schedule
};

std::string_view to_string(ScheduleKind kind);
ScheduleKind schedule_kind_from_string(std::string_view name);  // throws InputError listing names

// NCSNv2 technique 1: σ_max ≈ the largest pairwise Euclidean distance of the data. Exact
// (convex hull, then all hull pairs). Throws InputError on an empty or non-finite point set.
double suggest_sigma_max(const Points& data);

}  // namespace scorelab
