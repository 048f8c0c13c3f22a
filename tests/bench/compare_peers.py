#!/usr/bin/env python3
"""Run `scorelab bench` and the project's NumPy and PyTorch peers in one sitting; print every
workload with both figures and the ratio.

Usage: tests/bench/compare_peers.py [--scorelab BIN] [--quick] [--no-numpy] [--no-torch]
  --scorelab  the built binary (default: build/release/app/scorelab, else the newest
              build/*/app/scorelab)
  --quick     smoke sizes everywhere (checks the script, measures nothing)
The peers are tests/bench/peers/numpy_peer.py and torch_peer.py, run with /usr/bin/python3. They
need Debian's python3-numpy and python3-torch (apt-get install python3-numpy python3-torch); a
peer whose package is missing is skipped with a line saying so. PyTorch is fastest here with
OpenBLAS's OpenMP build (libopenblas0-openmp), which the script selects when it is installed.
These packages are for benchmarking only: neither setup.sh nor the test command needs them.

Single-thread runs are pinned to CPU 0 (taskset), two-thread runs to CPUs 0 and 1. Each workload
runs a warm-up and then 5 repetitions of at least 0.2 s on both sides (the same rule,
app/cli/bench.cpp time_repeated): the tables show the median rate and the spread of the
repetitions ((slowest - fastest) / median). "ratio" is scorelab / peer for rates (higher is
faster for scorelab) from the median wall time; "cpu" is the same ratio from CPU time, which a
busy machine disturbs far less (one-thread rows only: two threads share their CPU time).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PEERS = os.path.join(HERE, "peers")
PYTHON = "/usr/bin/python3"  # Debian's interpreter, where python3-numpy and python3-torch live
OPENBLAS_OMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp"

SAMPLING = "sde_em,ald,empirical"
NETWORK_1T = "train_b256,train_b1024,train_b4096,gemm_ceiling,inference,sde_learned"
TRAIN = "train_b256,train_b1024,train_b4096"


def default_binary():
    preferred = os.path.join(REPO, "build", "release", "app", "scorelab")
    if os.path.exists(preferred):
        return preferred
    found = sorted(glob.glob(os.path.join(REPO, "build", "*", "app", "scorelab")),
                   key=os.path.getmtime)
    return found[-1] if found else preferred


def pinned(cmd, cpus):
    return (["taskset", "-c", cpus] if shutil.which("taskset") else []) + cmd


def run(cmd, cpus="0", env=None):
    """stdout of cmd pinned to `cpus`; exits with its stderr if it fails."""
    done = subprocess.run(pinned(cmd, cpus), env=dict(os.environ, **(env or {})),
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def has_module(name):
    return subprocess.run([PYTHON, "-c", f"import {name}"], capture_output=True).returncode == 0


def json_lines(text):
    return {r["work"]: r for r in (json.loads(line) for line in text.splitlines() if line.strip())}


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return line.split()
    except OSError:
        pass
    return []


def torch_env():
    """OpenBLAS's OpenMP build when installed; its AVX-512 kernels on a CPU that has them
    (OpenBLAS 0.3.21 does not recognise some newer CPUs and falls back to SSE3 kernels)."""
    if not os.path.isdir(OPENBLAS_OMP):
        return {}, "the default BLAS (install libopenblas0-openmp for a faster PyTorch)"
    env = {"LD_LIBRARY_PATH": OPENBLAS_OMP}
    if "avx512f" in cpu_flags():
        env["OPENBLAS_CORETYPE"] = "SkylakeX"
        return env, "OpenBLAS (OpenMP build) with its AVX-512 (SkylakeX) kernels"
    return env, "OpenBLAS (OpenMP build)"


# ---- scorelab's figures, in the peers' terms ------------------------------------------------------

def ours(bench, name):
    """(units per call, timing) of a scorelab workload; units as the peer counts them."""
    w = bench[name]
    if name in ("sde_em", "ald", "sde_learned"):
        return w["particles"] * w["steps"], w["timing"]
    if name == "empirical":
        return w["points"] * w["queries"], w["timing"]
    if name.startswith("train_b"):
        return 1, w["timing"]
    raise KeyError(name)


def rate(units, timing, key="median_s"):
    return units / timing[key] if timing[key] > 0 else float("nan")


def row(label, unit, mine, peer, one_thread=True):
    """One table line: both rates with their spreads, the wall ratio and (one thread) the CPU one.
    mine / peer: (units per call, timing) or None."""
    def cell(x):
        if x is None:
            return f"{'-':>17}"
        units, t = x
        return f"{rate(units, t):>11.3e} ±{100 * t['spread']:>3.0f}%"

    ratio = cpu = "-"
    if mine and peer:
        ratio = f"{rate(*mine) / rate(*peer):.2f}x"
        if one_thread:
            cpu = f"{rate(*mine, 'cpu_median_s') / rate(*peer, 'cpu_median_s'):.2f}x"
    print(f"{label:<22}{unit:<16}{cell(mine)}{cell(peer)}{ratio:>9}{cpu:>9}")


def header(title, peer):
    print(f"\n{title}")
    print(f"{'workload':<22}{'unit':<16}{'scorelab':>17}{peer:>17}{'ratio':>9}{'cpu':>9}")


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scorelab", default=default_binary())
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-numpy", action="store_true")
    ap.add_argument("--no-torch", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.scorelab):
        sys.exit(f"no scorelab binary at {a.scorelab}: build it first (./setup.sh) or pass "
                 "--scorelab")
    quick = ["--quick"] if a.quick else []
    load_before = load_average()

    # scorelab: one thread for everything compared, then the training entries at two threads.
    # A build without --threads cannot give the two-thread table: say so and stop, rather than
    # print its one-thread rates under a two-thread heading.
    help_text = subprocess.run([a.scorelab, "bench", "--help"], capture_output=True,
                               text=True).stdout
    if "--threads" not in help_text:
        sys.exit(f"{a.scorelab} bench has no --threads flag (an older build?): the comparison "
                 "needs it for its one- and two-thread tables; rebuild from this checkout")
    has_threads = True
    one = ["--threads", "1"]
    bench = json.loads(run([a.scorelab, "bench", "--only", f"{SAMPLING},{NETWORK_1T}"] + one +
                           quick))
    bench2 = None
    if has_threads:
        bench2 = json.loads(run([a.scorelab, "bench", "--only", TRAIN, "--threads", "2"] + quick,
                                cpus="0,1"))

    m = bench["machine"]
    print(f"machine: {m['cpu']}, {m['compiler']}, simd {m['simd']}" +
          (" (quick sizes: not a measurement)" if a.quick else ""))
    print(f"load average before: {load_before:.1f} on {os.cpu_count()} CPUs"
          + ("  (a busy machine: trust the cpu column over the wall ratio)"
             if load_before > 1 else ""))

    # NumPy: the exact-score samplers and the empirical-mixture score.
    numpy = None
    if a.no_numpy:
        print("\nNumPy peer skipped (--no-numpy)")
    elif not has_module("numpy"):
        print("\nNumPy peer skipped: Python's numpy is missing "
              "(Debian package python3-numpy: apt-get install python3-numpy)")
    else:
        numpy = json_lines(run([PYTHON, os.path.join(PEERS, "numpy_peer.py"), "--threads", "1"]
                               + quick))
        version = next(iter(numpy.values()))["numpy"]
        header(f"Exact-score workloads, one thread (NumPy {version}: tests/bench/peers/"
               "numpy_peer.py)", "numpy")
        for name, label in (("sde_em", "reverse SDE (ring8)"), ("ald", "annealed Langevin"),
                            ("empirical", "empirical score")):
            unit = "pairs/s" if name == "empirical" else "particle-steps/s"
            peer = (numpy[name]["units_per_call"], numpy[name])
            row(label, unit, ours(bench, name), peer)

    # PyTorch: training, grid inference and the learned-score reverse SDE, at one and two threads.
    torch1 = torch2 = None
    if a.no_torch:
        print("\nPyTorch peer skipped (--no-torch)")
    elif not has_module("torch"):
        print("\nPyTorch peer skipped: Python's torch is missing "
              "(Debian package python3-torch: apt-get install python3-torch)")
    else:
        env, blas = torch_env()
        script = os.path.join(PEERS, "torch_peer.py")
        torch1 = json_lines(run([PYTHON, script, "--threads", "1"] + quick, "0", env))
        # On a busy machine libgomp's spinning threads wait for descheduled partners at every
        # barrier: two-thread training ran at 6 steps/s instead of 66 (batch 1024, load 18 on
        # 2 CPUs). Passive waiting is what a user of a shared machine would choose.
        env2 = dict(env, OMP_WAIT_POLICY="PASSIVE") if load_before > 1 else env
        torch2 = json_lines(run([PYTHON, script, "--work", "train", "--threads", "2"] + quick,
                                "0,1", env2))
        version = next(iter(torch1.values()))["torch"]
        header(f"Score network, one thread (PyTorch {version} on {blas}: tests/bench/peers/"
               "torch_peer.py)", "torch")
        for batch in (256, 1024, 4096):
            name = f"train_b{batch}"
            row(f"train, batch {batch}", "steps/s", ours(bench, name),
                (1, torch1[name]))
        # A grid call: calls per second, so the ratio reads like the others.
        row("score on 128x128 grid", "calls/s", (1, bench["inference"]["timing"]["grid128"]),
            (1, torch1["grid"]))
        row("reverse SDE, learned", "particle-steps/s", ours(bench, "sde_learned"),
            (torch1["sde"]["units_per_call"], torch1["sde"]))

        header("Training, two threads (wall time only" +
               ("; PyTorch with OMP_WAIT_POLICY=PASSIVE: a busy machine)" if load_before > 1
                else ")"), "torch")
        for batch in (256, 1024, 4096):
            name = f"train_b{batch}"
            row(f"train, batch {batch}", "steps/s", ours(bench2, name) if bench2 else None,
                (1, torch2[name]), one_thread=False)
        if not bench2:
            print("  scorelab at two threads skipped: this build's `scorelab bench` has no "
                  "--threads flag")

    # What scorelab ran that no peer runs: shown, not compared.
    print("\nscorelab only (no peer)")
    g = bench["gemm_ceiling"]
    print(f"  Eigen product 128x128 by 128x4096: {g['gflops']:.1f} GFLOP/s "
          f"±{100 * g['timing']['spread']:.0f}% (the practical ceiling of one core)")
    b = bench["train_b4096"]
    print(f"  training at batch 4096 runs its products at {b['matmul_gflops']:.1f} GFLOP/s = "
          f"{100 * b['matmul_gflops'] / g['gflops']:.0f}% of it")
    p = bench["inference"]["timing"]["particles10k"]
    print(f"  score on 10,000 particles: {1e3 * p['median_s']:.2f} ms ±{100 * p['spread']:.0f}% "
          "(one call)")
    if numpy is None and torch1 is None:
        print("\nNo peer ran; scorelab's JSON:")
        print(json.dumps(bench, indent=1))
    print(f"\nload average after: {load_average():.1f}")


if __name__ == "__main__":
    main()
