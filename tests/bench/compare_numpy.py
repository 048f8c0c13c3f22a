#!/usr/bin/env python3
"""Run `scorelab bench` and the NumPy peer back to back on one thread; print the speed-ups.

Usage: tests/bench/compare_numpy.py [--scorelab BIN] [--peer numpy_sde.py] [--quick]
  --scorelab  the built binary (default: build/release/app/scorelab, else the newest
              build/*/app/scorelab)
  --peer      the NumPy reference (default: ../shared/peers/numpy_sde.py next to the repository)
  --quick     smoke sizes for both (not a measurement)
Both run pinned to one CPU (taskset) with OMP/OpenBLAS/MKL threads = 1; the peer under
/usr/bin/python3, which has Debian's python3-numpy.
"""
import argparse, glob, json, os, shutil, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

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


def run(cmd):
    env = dict(os.environ, **ONE_THREAD)
    done = subprocess.run(pinned(cmd), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scorelab", default=default_binary())
    ap.add_argument("--peer", default=os.path.join(REPO, "..", "shared", "peers", "numpy_sde.py"))
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.peer):
        sys.exit(f"NumPy peer not found: {a.peer} (pass --peer PATH)")

    ours = json.loads(run([a.scorelab, "bench"] + (["--quick"] if a.quick else [])))
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


if __name__ == "__main__":
    main()
