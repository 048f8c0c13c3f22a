#!/usr/bin/env python3
"""scorelab's score-network workloads written the way a PyTorch user would write them.

The reference for `scorelab bench`'s train_b256/b1024/b4096, inference (grid) and sde_learned
entries: the same network, data, noise and optimiser (scorelab's peer_train_config).

  Network  s(x, sigma) = MLP([x, e(log sigma)]) / sigma, e = [sin(2 pi u W), cos(2 pi u W)]
           with 16 fixed frequencies W ~ N(0, 16^2) (32 numbers); MLP 34 -> 128 -> 128 -> 128 -> 2
           with SiLU (width 128, 3 hidden layers)
  Data     8 Gaussians on a circle of radius 4, std 0.3, a fresh batch every step
  Loss     denoising score matching, sigma log-uniform in [0.01, 10] per sample,
           mean ||sigma s(x + sigma z, sigma) + z||^2 / 2 (lambda = sigma^2); Adam, lr 1e-3

  train      one optimisation step at batch B (--batch, several allowed) -> steps per second
  grid       one score call on the 128 x 128 grid over [-6, 6]^2 at sigma = 0.1
  sde        reverse VE SDE (sigma 0.01 -> 10) with the network's score, Euler-Maruyama,
             10,000 particles x 100 steps, final step without noise

Timing as scorelab's (app/cli/bench.cpp, time_repeated): a warm-up call, then 5 repetitions of at
least 0.2 s (3 once they took over 10 s; a first call of 1 s or more counts as the first), median,
fastest and slowest wall seconds per call, median CPU seconds of the process (all threads).
--quick: smaller sizes and one call (a smoke test, not a measurement).

Usage: python3 torch_peer.py [--work train,grid,sde] [--batch 256,1024,4096] [--threads N]
                             [--quick]
Prints one JSON object per workload (and batch) on stdout. Needs Debian's python3-torch.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="train,grid,sde")
    ap.add_argument("--batch", default="256,1024,4096", help="training batch sizes")
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    ap.add_argument("--quick", action="store_true")
    return ap.parse_args()


ARGS = parse_args()
# OpenMP reads its thread count when the library loads: set it before importing torch.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)
import torch  # noqa: E402
from torch import nn  # noqa: E402

SIGMA_MIN, SIGMA_MAX = 0.01, 10.0
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
    med = statistics.median(wall)
    return {"reps": len(wall), "calls_per_rep": calls, "median_s": med, "min_s": min(wall),
            "max_s": max(wall), "cpu_median_s": statistics.median(cpu),
            "spread": (max(wall) - min(wall)) / med if med > 0 else 0.0}


class ScoreNet(nn.Module):
    def __init__(self, width=128, hidden=3, frequencies=16, scale=16.0):
        super().__init__()
        # Fixed random Fourier frequencies of log sigma (a buffer: not trained).
        self.register_buffer("freq", torch.randn(frequencies) * scale)
        layers, d = [], 2 + 2 * frequencies
        for _ in range(hidden):
            layers += [nn.Linear(d, width), nn.SiLU()]
            d = width
        layers.append(nn.Linear(d, 2))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x, sigma):  # x (n, 2), sigma (n,)
        phase = (2 * math.pi) * torch.log(sigma)[:, None] * self.freq[None, :]
        h = torch.cat([x, torch.sin(phase), torch.cos(phase)], dim=1)
        return self.mlp(h) / sigma[:, None]


def ring_batch(n, gen):
    angle = torch.randint(0, 8, (n,), generator=gen).float() * (2 * math.pi / 8)
    centre = 4.0 * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return centre + 0.3 * torch.randn(n, 2, generator=gen)


def log_uniform_sigma(n, gen):
    u = torch.rand(n, generator=gen)
    return SIGMA_MIN * (SIGMA_MAX / SIGMA_MIN) ** u


def matmul_flops_per_sample(net):
    """Forward products of every layer, their weight gradients, and the input gradients of every
    layer but the first (scorelab's train_flops_per_sample)."""
    linears = [m for m in net.mlp if isinstance(m, nn.Linear)]
    fwd = sum(2 * m.in_features * m.out_features for m in linears)
    dx = sum(2 * m.in_features * m.out_features for m in linears[1:])
    return 2 * fwd + dx


def train(batch, quick, gen):
    net = ScoreNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    last = {}

    def step():
        x0 = ring_batch(batch, gen)
        sigma = log_uniform_sigma(batch, gen)
        z = torch.randn(batch, 2, generator=gen)
        s = net(x0 + sigma[:, None] * z, sigma)
        loss = 0.5 * ((sigma[:, None] * s + z) ** 2).sum(dim=1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        last["loss"] = loss.item()

    for _ in range(0 if quick else 20):  # as scorelab: 20 untimed steps first
        step()
    timing = time_repeated(step, quick)
    sps = 1 / timing["median_s"]
    return {"batch": batch, "units_per_call": 1, "unit": "steps", "steps_per_s": sps,
            "matmul_gflops": matmul_flops_per_sample(net) * batch * sps / 1e9,
            "finite": math.isfinite(last["loss"]), **timing}


@torch.no_grad()
def grid(quick, gen):
    net = ScoreNet()
    lin = torch.linspace(-6, 6, 128)
    xx, yy = torch.meshgrid(lin, lin, indexing="ij")
    pts = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)
    sigma = torch.full((pts.shape[0],), 0.1)
    out = {}
    timing = time_repeated(lambda: out.update(s=net(pts, sigma)), quick)
    return {"points": pts.shape[0], "units_per_call": 1, "unit": "calls",
            "ms": 1e3 * timing["median_s"], "finite": bool(torch.isfinite(out["s"]).all()),
            **timing}


@torch.no_grad()
def sde(quick, gen):
    net = ScoreNet()
    n, steps = (1000, 10) if quick else (10_000, 100)
    eps = 1e-5
    log_ratio = math.log(SIGMA_MAX / SIGMA_MIN)
    out = {}

    def run():
        x = SIGMA_MAX * torch.randn(n, 2, generator=gen)
        dt = (1.0 - eps) / steps
        for i in range(steps):
            sigma = SIGMA_MIN * (SIGMA_MAX / SIGMA_MIN) ** (1.0 - i * dt)
            g2 = sigma * sigma * 2 * log_ratio
            x_mean = x + (g2 * dt) * net(x, torch.full((n,), sigma))
            x = x_mean if i == steps - 1 else x_mean + math.sqrt(g2 * dt) * torch.randn(
                n, 2, generator=gen)
        out["x"] = x

    timing = time_repeated(run, quick)
    return {"particles": n, "steps": steps, "units_per_call": n * steps,
            "unit": "particle_steps", "finite": bool(torch.isfinite(out["x"]).all()), **timing}


def main():
    torch.set_num_threads(ARGS.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    common = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    for work in ARGS.work.split(","):
        if work == "train":
            for batch in (int(b) for b in ARGS.batch.split(",")):
                print(json.dumps({"work": f"train_b{batch}", **common,
                                  **train(batch, ARGS.quick, gen)}), flush=True)
        elif work == "grid":
            print(json.dumps({"work": "grid", **common, **grid(ARGS.quick, gen)}), flush=True)
        elif work == "sde":
            print(json.dumps({"work": "sde", **common, **sde(ARGS.quick, gen)}), flush=True)
        else:
            sys.exit(f"torch_peer.py: unknown workload '{work}' (known: train, grid, sde)")


if __name__ == "__main__":
    main()
