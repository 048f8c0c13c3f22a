#!/usr/bin/env bash
# Remakes every picture in the README: the lessons, the default scene, presenter mode, small
# multiples, the error map, the noised-data layer, the help overlay, the model-density layer, the
# flow-map mesh, the export panel and the exported GIF, with the scripted mode and `scorelab
# export` (needs a Release build, xvfb-run and ffmpeg, from setup.sh).
#   assets/screenshots/remake.sh [path/to/scorelab]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/release/app/scorelab}
out=assets/screenshots
shot() {  # shot OUT.png WxH ARGS...: one scripted run's last frame
  local png=$1 size=$2; shift 2
  xvfb-run -a -s "-screen 0 ${size}x24" "$bin" --size "$size" "$@" --screenshot "$png"
}
half() {  # the lessons: drawn at 1280×720 (a projector; presenter mode's lecture font), stored at 640×360
  local tmp; tmp=$(mktemp --suffix=.png)
  shot "$tmp" 1280x720 "${@:2}"
  ffmpeg -loglevel error -y -i "$tmp" -vf scale=640:360:flags=area "$1"
  rm -f "$tmp"
}
L=assets/lessons
half $out/lessons/01_score_function.png --lesson $L/01_score_function.json --step 4 --frames 5
half $out/lessons/02_langevin.png --lesson $L/02_langevin.json --step 1 --frames 110
half $out/lessons/03_score_matching.png --lesson $L/03_score_matching.json --step 3 --frames 1400
half $out/lessons/04_naive_langevin_fails.png --lesson $L/04_naive_langevin_fails.json --step 2 --frames 1400
half $out/lessons/05_noise_scales.png --lesson $L/05_noise_scales.json --step 2 --frames 5
half $out/lessons/06_annealed_langevin.png --lesson $L/06_annealed_langevin.json --step 1 --frames 110
half $out/lessons/07_sde_perturbation.png --lesson $L/07_sde_perturbation.json --step 2 --frames 40
half $out/lessons/08_reverse_sde.png --lesson $L/08_reverse_sde.json --step 3 --frames 110
half $out/lessons/09_probability_flow.png --lesson $L/09_probability_flow.json --step 2 --frames 110
# Step 4: SMC imputation on the network's score; the run restarts at 3,000 training steps.
half $out/lessons/10_controllable_generation.png --lesson $L/10_controllable_generation.json --step 4 --frames 600
half $out/lessons/11_ddpm.png --lesson $L/11_ddpm.json --step 2 --frames 150
half $out/lessons/12_flow_matching.png --lesson $L/12_flow_matching.json --step 2 --frames 150
half $out/lessons/13_guidance_in_practice.png --lesson $L/13_guidance_in_practice.json --step 2 --frames 150
shot $out/window.png 1280x800 --frames 75
shot $out/presenter.png 1280x720 --presenter --frames 150
shot $out/multiples_sigma.png 1280x800 --scene assets/scenes/ring8_ve_multiples.json --frames 3
S=assets/screenshots/scenes
shot $out/split_error.png 1280x800 --scene $S/split_error.json --frames 300  # 3,000 training steps
shot $out/noised_data.png 1280x800 --scene $S/noised_data.json --frames 3
shot $out/spirals_help.png 1280x800 --scene $S/spirals_help.json --frames 90
# 2,000 training steps, then training off (T) and the map of that model (M).
shot $out/model_density.png 1200x600 --scene $S/model_density.json --frames 202 --press 200:T,201:M
# The flow map as a mesh, exact and learned (training off at frame 200).
shot $out/flow_mesh.png 1280x720 --scene assets/scenes/ring8_flow_mesh.json --frames 202 --press 200:T
shot $out/flow_matching.png 1280x720 --scene assets/scenes/ring8_flow_matching.json --frames 400
shot $out/cfg.png 1280x720 --scene assets/scenes/cfg_mixture.json --frames 400
shot $out/export_panel.png 1280x800 --frames 20 --export "$(mktemp -d)/export.gif"  # mid-export
# The README's figure for slides, with the command it shows.
xvfb-run -a -s "-screen 0 1280x800x24" "$bin" export --out $out/reverse_sde.gif --size 400x400
