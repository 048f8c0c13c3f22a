#!/usr/bin/env python3
"""The cost model's calibration (core/scene/limits.cpp): runs `scorelab train`, `sample` and
`likelihood` on a table of scenes, and prints each run's estimate (the "estimated ..." line the
command prints before it starts) beside the time it took, as JSON. The estimates aim to be within
2x of the truth on the machine the rates were measured on; rerun this after changing a kernel or
a rate. Not part of the test command: its figures depend on the machine.

    python3 tests/bench/calibrate_costs.py [build/release/app/scorelab]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

UNITS = {"s": 1, "minutes": 60, "hours": 3600}


def seconds(text):
    value, unit = text.split()
    return float(value) * UNITS[unit]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(" ".join(cmd) + ": exit " + str(r.returncode) + "\n" + r.stderr)
    estimate = re.search(r"estimated ([0-9.e+-]+ (?:s|minutes|hours))", r.stderr)
    # train: "trained N steps in X s"; sample: "(N steps, X s)"; likelihood: "(N evaluations, X s)"
    took = re.search(r"(?:in |steps, |evaluations, )([0-9.e+-]+) s", r.stdout + r.stderr)
    return seconds(estimate.group(1)), float(took.group(1))


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else "build/release/app/scorelab"
    scenes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "scenes")
    tmp = tempfile.mkdtemp()
    rows = []

    def scene_file(name, blocks):
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(blocks, f)
        return path

    def record(what, cmd):
        est, took = run(cmd)
        rows.append({"run": what, "estimated_s": est, "measured_s": took,
                     "ratio": est / took if took > 0 else None})
        print(f"{what:60s} estimated {est:9.4f} s  measured {took:9.4f} s  ratio {est / took:5.2f}",
              file=sys.stderr)

    out = os.path.join(tmp, "out")
    # Training: the network's size and the batch (steps chosen for about a second each).
    for width, depth, batch, steps in [(32, 2, 256, 5000), (128, 3, 256, 2000), (128, 3, 4096, 150),
                                       (512, 3, 256, 200), (1024, 6, 256, 20), (2048, 3, 256, 20)]:
        s = scene_file(f"t{width}_{depth}_{batch}", {"model": {"width": width, "depth": depth},
                                                     "train": {"batch": batch}})
        record(f"train width {width} depth {depth} batch {batch} x {steps}",
               [exe, "train", "--scene", s, "--steps", str(steps), "--out", out + ".ckpt"])
    model = out + "_vp.ckpt"
    vp = os.path.join(scenes, "ring8_vp_probability_flow_rk45.json")
    subprocess.run([exe, "train", "--scene", vp, "--steps", "2000", "--out", model],
                   capture_output=True, check=True)
    # Sampling: exact mixtures, an empirical mixture, the learned score.
    for name in ["default", "grid25_reverse_sde_em", "moons_reverse_sde", "ring8_annealed_langevin"]:
        record(f"sample {name} (10000 particles)",
               [exe, "sample", "--scene", os.path.join(scenes, name + ".json"), "--n", "10000",
                "--out", out + ".csv"])
    model_ve = out + "_ve.ckpt"
    subprocess.run([exe, "train", "--steps", "2000", "--out", model_ve], capture_output=True,
                   check=True)
    record("sample default (VE reverse SDE), learned score (2000 particles)",
           [exe, "sample", "--model", model_ve, "--n", "2000", "--out", out + ".csv"])
    record("sample ring8 VP probability flow RK45, learned score (2000 particles)",
           [exe, "sample", "--scene", vp, "--model", model, "--n", "2000", "--out", out + ".csv"])
    record("sample ring8 VP probability flow RK45 (10000 particles)",
           [exe, "sample", "--scene", vp, "--n", "10000", "--out", out + ".csv"])
    # Likelihood: exact mixtures, the empirical mixture, the learned score, fixed steps.
    for name, extra in [("default", []), ("ring8_vp_probability_flow_rk45", []),
                        ("default", ["--tol", "1e-7"]), ("default", ["--method", "rk4", "--steps", "1000"]),
                        ("moons_reverse_sde", ["--grid", "16x16"])]:
        grid = [] if "--grid" in extra else ["--grid", "64x64"]
        record(f"likelihood {name} {' '.join(grid + extra)}",
               [exe, "likelihood", "--scene", os.path.join(scenes, name + ".json"), *grid, *extra,
                "--test-n", "0", "--out", out + ".csv"])
    record("likelihood ring8 VP, learned score, --grid 64x64",
           [exe, "likelihood", "--scene", vp, "--model", model, "--grid", "64x64", "--test-n", "0",
            "--out", out + ".csv"])
    ratios = [r["ratio"] for r in rows]
    print(json.dumps({"runs": rows, "min_ratio": min(ratios), "max_ratio": max(ratios)}, indent=1))


if __name__ == "__main__":
    main()
