#!/usr/bin/env python3
"""scorelab's exact-score workloads written the way a NumPy user would write them.

The reference for `scorelab bench`'s sde_em, ald and empirical entries: the same sizes, noise
levels, step rules and initialisation, float32 throughout, vectorised over particles.

  sde_em     reverse-time VE SDE (sigma 0.01 -> 10), Euler-Maruyama, N = 1000 steps, 10,000
             particles from N(0, 10^2 I), exact score of the 8-Gaussian ring (radius 4, std 0.3)
  ald        annealed Langevin: 10 geometric levels 10 -> 0.01, 100 steps per level, step
             eps * sigma_i^2 / sigma_L^2 with eps = 1e-5, 10,000 particles from U[-8, 8]^2
  empirical  the exact score of an empirical mixture: 2,000 points x 4,096 queries, both drawn
             from N(0, 4 I), at noise std 0.5

Timing as scorelab's (app/cli/bench.cpp, time_repeated): a warm-up call, then 5 repetitions of at
least 0.2 s (3 once they took over 10 s; a first call of 1 s or more counts as the first), median,
fastest and slowest wall seconds per call and the median CPU seconds (time.process_time).
--quick: smaller sizes and one call (a smoke test, not a measurement).

Usage: python3 numpy_peer.py [--work sde_em,ald,empirical] [--threads N] [--quick]
Prints one JSON object per workload on stdout. Needs Debian's python3-numpy.
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="sde_em,ald,empirical")
    ap.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (default 1)")
    ap.add_argument("--quick", action="store_true")
    return ap.parse_args()


ARGS = parse_args()
# The thread counts must be in the environment before NumPy loads its BLAS.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)
import numpy as np  # noqa: E402

F = np.float32
MIN_REP_SECONDS, LONG_SECONDS = 0.2, 10.0


def time_repeated(body, quick):
    """Timing of body() per call: the same policy as scorelab bench's time_repeated."""
    wall, cpu = [], []

    def rep(calls):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(calls):
            body()
        wall.append((time.perf_counter() - t0) / calls)
        cpu.append((time.process_time() - c0) / calls)

    calls = 1
    rep(1)
    if not quick:
        first = wall[-1]
        if first < 1.0:  # a warm-up
            wall.clear()
            cpu.clear()
        calls = max(1, math.ceil(MIN_REP_SECONDS / max(first, 1e-9)))
        spent = first
        while len(wall) < 5 and not (len(wall) >= 3 and spent > LONG_SECONDS):
            rep(calls)
            spent += wall[-1] * calls
    med = float(np.median(wall))
    return {"reps": len(wall), "calls_per_rep": calls, "median_s": med, "min_s": min(wall),
            "max_s": max(wall), "cpu_median_s": float(np.median(cpu)),
            "spread": (max(wall) - min(wall)) / med if med > 0 else 0.0}


# ---- the 8-Gaussian ring and its exact score at any noise level ---------------------------------

RING_CENTRES = np.array([[4 * math.cos(2 * math.pi * k / 8), 4 * math.sin(2 * math.pi * k / 8)]
                         for k in range(8)], dtype=F)  # (8, 2)
RING_VAR = 0.3 ** 2


def mixture_score(x, centres, var):
    """Score of an equal-weight mixture of N(c_k, var I) at the rows of x (n, 2): the
    responsibility-weighted pull (c_k - x) / var, with a stable softmax over components."""
    diff = centres[None, :, :] - x[:, None, :]               # (n, K, 2)
    logit = (diff * diff).sum(axis=2) * F(-0.5 / var)        # (n, K)
    logit -= logit.max(axis=1, keepdims=True)
    resp = np.exp(logit)
    resp /= resp.sum(axis=1, keepdims=True)
    return np.einsum("nk,nkd->nd", resp, diff) * F(1.0 / var)


# ---- workloads ---------------------------------------------------------------------------------

def sde_em(quick, rng):
    n, steps = (1000, 100) if quick else (10_000, 1000)
    smin, smax, eps = 0.01, 10.0, 1e-5
    log_ratio = math.log(smax / smin)
    state = {}

    def body():
        x = rng.standard_normal((n, 2), dtype=F) * F(smax)
        dt = (1.0 - eps) / steps
        for i in range(steps):
            t = 1.0 - i * dt                      # from t = 1 down to eps
            sigma = smin * (smax / smin) ** t
            g2 = sigma * sigma * 2 * log_ratio    # g(t)^2 = d sigma^2 / dt
            s = mixture_score(x, RING_CENTRES, RING_VAR + sigma * sigma)
            x += F(g2 * dt) * s + F(math.sqrt(g2 * dt)) * rng.standard_normal((n, 2), dtype=F)
        state["x"] = x

    timing = time_repeated(body, quick)
    return {"particles": n, "steps": steps, "units_per_call": n * steps,
            "unit": "particle_steps", "finite": bool(np.isfinite(state["x"]).all()), **timing}


def ald(quick, rng):
    n, per_level = (1000, 10) if quick else (10_000, 100)
    sigmas = np.geomspace(10.0, 0.01, 10)
    eps = 1e-5
    state = {}

    def body():
        x = rng.uniform(-8, 8, (n, 2)).astype(F)
        for sigma in sigmas:
            alpha = eps * sigma * sigma / sigmas[-1] ** 2
            var = RING_VAR + sigma * sigma
            for _ in range(per_level):
                s = mixture_score(x, RING_CENTRES, var)
                x += F(alpha) * s + F(math.sqrt(2 * alpha)) * rng.standard_normal((n, 2), dtype=F)
        state["x"] = x

    timing = time_repeated(body, quick)
    steps = per_level * len(sigmas)
    return {"particles": n, "steps": steps, "units_per_call": n * steps,
            "unit": "particle_steps", "finite": bool(np.isfinite(state["x"]).all()), **timing}


def empirical(quick, rng):
    points, queries = (500, 512) if quick else (2000, 4096)
    p = rng.standard_normal((points, 2), dtype=F) * F(2)
    q = rng.standard_normal((queries, 2), dtype=F) * F(2)
    state = {}

    def body():
        state["s"] = mixture_score(q, p, 0.25)

    timing = time_repeated(body, quick)
    return {"points": points, "queries": queries, "units_per_call": points * queries,
            "unit": "pairs", "finite": bool(np.isfinite(state["s"]).all()), **timing}


WORKLOADS = {"sde_em": sde_em, "ald": ald, "empirical": empirical}


def main():
    for name in ARGS.work.split(","):
        if name not in WORKLOADS:
            sys.exit(f"numpy_peer.py: unknown workload '{name}' (known: {', '.join(WORKLOADS)})")
        rng = np.random.default_rng(0)
        result = WORKLOADS[name](ARGS.quick, rng)
        print(json.dumps({"work": name, "threads": ARGS.threads, "numpy": np.__version__,
                          **result}), flush=True)


if __name__ == "__main__":
    main()
