#!/usr/bin/env python3
"""Run `scorelab bench` and the peers back to back on one thread; print the speed-ups.

Usage: tests/bench/compare_peers.py [--scorelab BIN] [--peer numpy_sde.py] [--torch torch_dsm.py]
                                    [--no-torch] [--quick]
  --scorelab  the built binary (default: build/release/app/scorelab, else the newest
              build/*/app/scorelab)
  --peer      the NumPy reference (default: ../shared/peers/numpy_sde.py next to the repository)
  --torch     the PyTorch reference (default: ../shared/peers/torch_dsm.py); skipped with
              --no-torch or when Debian's python3-torch is not installed
  --quick     smoke sizes for all (not a measurement)
Everything runs pinned to one CPU (taskset) with OMP/OpenBLAS/MKL threads = 1, the peers under
/usr/bin/python3 (Debian's python3-numpy, python3-torch). PyTorch runs as its header says it runs
best: OpenBLAS's OpenMP build with its AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX).
These Python packages are for benchmarking only; the test command never needs them.
"""
import argparse, glob, json, os, shutil, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
TORCH_BEST = {"OPENBLAS_CORETYPE": "SkylakeX",
              "LD_LIBRARY_PATH": "/usr/lib/x86_64-linux-gnu/openblas-openmp"}

# (scorelab workload, its rate field, the peer's "work" value, the peer's rate field)
PAIRS = [
    ("sde_em", "particle_steps_per_s", "sde_exact_gmm8", "particle_steps_per_s"),
    ("ald", "particle_steps_per_s", "ald_exact_gmm8", "particle_steps_per_s"),
    ("empirical", "pairs_per_s", "empirical_score", "pairs_per_s"),
]


def default_binary():
    preferred = os.path.join(REPO, "build", "release", "app", "scorelab")
    if os.path.exists(preferred):
        return preferred
    found = sorted(glob.glob(os.path.join(REPO, "build", "*", "app", "scorelab")),
                   key=os.path.getmtime)
    return found[-1] if found else preferred


def pinned(cmd):
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + cmd


def run(cmd, extra_env=None):
    env = dict(os.environ, **ONE_THREAD, **(extra_env or {}))
    done = subprocess.run(pinned(cmd), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scorelab", default=default_binary())
    ap.add_argument("--peer", default=os.path.join(REPO, "..", "shared", "peers", "numpy_sde.py"))
    ap.add_argument("--torch", default=os.path.join(REPO, "..", "shared", "peers", "torch_dsm.py"))
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    # Only the workloads compared below (time_to_quality takes minutes: run it on its own).
    compared = "sde_em,ald,empirical,train_b256,train_b1024,train_b4096,gemm_ceiling,inference"
    ours = json.loads(run([a.scorelab, "bench", "--only", compared] + (["--quick"] if a.quick else [])))
    have_numpy = subprocess.run(["/usr/bin/python3", "-c", "import numpy"],
                                capture_output=True).returncode == 0
    if not os.path.exists(a.peer) or not have_numpy:
        print(f"NumPy peer skipped ({'not found: ' + a.peer if have_numpy else 'install python3-numpy'})")
        print(json.dumps(ours, indent=1))
        return
    quick = ["--particles", "1000", "--steps", "100", "--points", "500", "--queries", "512"]
    peer_args = quick if a.quick else []
    peer = {}
    for line in run(["/usr/bin/python3", a.peer, "--work", "all"] + peer_args).splitlines():
        record = json.loads(line)
        peer[record["work"]] = record

    print(f"machine: {ours['machine']['cpu']}, {ours['machine']['compiler']}, "
          f"simd {ours['machine']['simd']}, one thread" + (" (quick sizes)" if a.quick else ""))
    print(f"{'workload':<11}{'scorelab':>14}{'numpy':>14}{'ratio':>9}")
    for name, field, peer_name, peer_field in PAIRS:
        x, y = ours[name][field], peer[peer_name][peer_field]
        print(f"{name:<11}{x:>14.3e}{y:>14.3e}{x / y:>8.1f}x   ({field})")

    have_torch = subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                                capture_output=True).returncode == 0
    if a.no_torch or not have_torch or not os.path.exists(a.torch):
        print("torch peer skipped" + ("" if a.no_torch else
                                      " (install python3-torch libopenblas0-openmp to run it)"))
        return
    print(f"\n{'training':<14}{'scorelab':>12}{'torch':>12}{'ratio':>9}")
    for batch in (256, 1024, 4096):
        steps = 30 if a.quick else max(150, 600000 // batch)
        out = run(["/usr/bin/python3", a.torch, "--batch", str(batch), "--steps", str(steps),
                   "--width", "128", "--threads", "1"] + (["--infer"] if batch == 4096 else [])
                  + (["--particles", "1000", "--sde-steps", "20", "--grid-reps", "3"]
                     if a.quick else []), TORCH_BEST)
        res = {}
        for line in out.splitlines():
            if line.startswith("RESULT "):
                words = line.split()
                res[words[1]] = dict(w.split("=", 1) for w in words[2:] if "=" in w)
        x = ours[f"train_b{batch}"]["steps_per_s"]
        y = float(res["train"]["steps_per_s"])
        print(f"batch {batch:<8}{x:>12.1f}{y:>12.1f}{x / y:>8.2f}x   (steps/s; matmul GFLOP/s "
              f"{ours[f'train_b{batch}']['matmul_gflops']:.1f} vs {res['train']['matmul_GFLOPs_exact']})")
        if "grid128" in res:
            g = float(res["grid128"]["ms_per_eval"])
            mine = ours["inference"]["grid128_ms"]
            print(f"{'grid 128x128':<14}{mine:>10.2f}ms{g:>10.2f}ms{g / mine:>8.2f}x   (one score call)")
    ceiling = ours["gemm_ceiling"]["gflops"]
    b4096 = ours["train_b4096"]["matmul_gflops"]
    print(f"Eigen ceiling (128x128 by 128x4096): {ceiling:.1f} GFLOP/s; training at batch 4096 "
          f"reaches {b4096:.1f} = {100 * b4096 / ceiling:.0f}% of it")


if __name__ == "__main__":
    main()
