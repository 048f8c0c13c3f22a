// The probability-flow ODE as an encoder (the "uniquely identifiable encoding" of score SDEs):
// dx/dt = f(x, t) − ½ g(t)² s(x, t) carries a data point x at t = eps to its code x(T) in the
// prior, deterministically, and the same ODE run backwards carries the code back. With the exact
// score the round trip returns the point up to the solver's tolerance; with a learned score too
// (the map is invertible whatever the model), which is the point the blog makes.
#pragma once
#include "core/common/points.h"
#include "core/likelihood/likelihood.h"
#include "core/noise/sde.h"
#include "core/score/score_model.h"

namespace scorelab {

// codes = x(T) from x(eps) = x (2 × N, data units). RK45 with rtol = atol = tol, error per point.
// Throws InputError for a non-finite point or a bad eps / tol; std::runtime_error if RK45 fails.
// `control` (optional, as the likelihood's): progress is the fraction of [eps, T] covered; a
// cancel stops the run between ODE steps and returns false, leaving `codes` untouched.
bool encode(const ScoreModel& model, const Sde& sde, const Points& x, double eps, double tol,
            PointsT<double>& codes, const LikelihoodControl& control = {});
// x = x(eps) from x(T) = codes: the same ODE from T back to eps.
bool decode(const ScoreModel& model, const Sde& sde, const PointsT<double>& codes, double eps,
            double tol, PointsT<double>& x, const LikelihoodControl& control = {});

}  // namespace scorelab
