// σ_max from the data, and how far the SDE's prior is from the true p_T (issue 23).
//
// The reverse-time samplers start at the prior N(0, prior_std² I), which stands in for the true
// p_T = the data pushed through the kernel x_T = m(T) x_0 + s(T) z. Two things make a good VE σ_max:
//
//  1. NCSNv2's technique 1 (Song & Ermon, 2020): σ_max at least the largest pairwise distance of
//     the data, so that the noisiest level mixes every pair of modes.
//  2. The prior must stand in for p_T. With the exact score the reverse SDE draws x_0 from
//     p(x_0 | x_T), so a sample started at x_T ends in mixture component k with probability
//     r_k(x_T, T), the responsibility of k at level T. Started from the prior, component k gets
//     E_prior[r_k(x, T)] instead of its weight π_k. The "prior shift"
//         ½ Σ_k |E_prior[r_k(x, T)] − π_k|
//     is the fraction of samples the prior sends to the wrong component: exact for the reverse
//     SDE with the exact score (the probability-flow ODE, a deterministic map, sees about the
//     same). Data centred on the origin has none whatever σ_max; data offset from the origin by
//     d needs σ_max ≫ d (the shift falls about as d²/σ_max²).
//
// For an empirical set the components are its points (point masses of equal weight), so the
// shift is the fraction of samples sent to the wrong part of the set.
//
// Units: σ in data units; the shift is a fraction in [0, 1]. The expectation over the prior is a
// 24 × 24 Gauss–Hermite product rule (responsibilities are smooth on the prior's scale).
#pragma once
#include <cstdint>
#include <vector>

#include "core/distributions/gaussian_mixture.h"
#include "core/noise/sde.h"

namespace scorelab {

struct DataConfig;
struct Scene;

// The largest prior shift a fitted σ_max allows: 0.2% of samples in the wrong component, below
// the 4-standard-error band of a 24,000-particle test of a 10% mode (0.0077), with room for the
// sampler's own discretisation bias.
inline constexpr double kPriorShiftTolerance = 0.002;

// The data as the fit sees it: weighted components (a mixture's own; an empirical set's points as
// point masses of equal weight, at most 256 of them taken by stride) and its extent, the largest
// pairwise distance (of the points; for a mixture, of its components' 2-σ ellipses).
struct FitData {
  std::vector<GaussianComponent> components;  // weights sum to 1; point masses have Σ = 0
  double extent = 0;                          // data units
};
// `seed` is the scene's: a sample-only dataset (moons, ...) is the draw its exact score is made of.
FitData fit_data(const DataConfig& data, std::uint64_t seed);

// ½ Σ_k |E_{x ~ prior}[r_k(x, T)] − π_k| for the process `sde` (any kind).
double prior_shift(const FitData& data, const SdeParams& sde);

// The smallest σ_max ≥ max(extent, 10 σ_min) whose VE prior shift is at most kPriorShiftTolerance,
// rounded up to two significant digits (a number a slide can show). At most 1e6 (the validator's
// limit).
double fitted_sigma_max(const FitData& data, double sigma_min);

// NCSN's schedule σ_1: technique 1 alone (annealed Langevin starts from its own init box, not
// from the prior), at least 10 σ_min, rounded up to two significant digits.
double fitted_schedule_sigma_max(const FitData& data, double sigma_min);

// Sets the σ_max of each noise block whose from-data flag is on (NoiseConfig) from the scene's
// data. Throws InputError for bad data (as make_exact_score would).
void fit_noise_to_data(Scene& scene);

}  // namespace scorelab
