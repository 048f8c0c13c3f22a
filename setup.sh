#!/usr/bin/env bash
# scorelab set-up on Debian 12: installs what is missing, builds, then runs the app or the tests.
#
#   ./setup.sh run    install, build (Release) and launch scorelab on its default scene
#   ./setup.sh test   install, build Release + ASan/UBSan (+ TSan for the trainer) and run every test
#
# Packages are installed with apt-get (as root, or through sudo). Builds go to build/<kind>/.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev doctest-dev nlohmann-json3-dev libstb-dev
  libglfw3-dev libgl-dev libimgui-dev python3-glad
  xvfb xauth libgl1-mesa-dri libgif-dev ffmpeg
  fonts-dejavu-core
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build KIND [--target T]... [cmake args...]: configure and build (everything, or the targets T)
# into build/KIND. Unity builds (CMake compiles each target's files in batches of 8, one
# translation unit per batch) and precompiled headers cut the compile time about threefold: the
# Eigen and JSON templates are instantiated once per batch instead of once per file. The cost: names
# in anonymous namespaces must differ between the files of one target (a clash fails to compile).
build() {
  local kind=$1; shift
  local target=()
  while [ "${1:-}" = --target ]; do target+=(--target "$2"); shift 2; done
  cmake -S . -B "build/$kind" -G Ninja -DSCORELAB_PCH=ON -DCMAKE_UNITY_BUILD=ON "$@" >/dev/null
  cmake --build "build/$kind" -j "$(nproc)" "${target[@]}"
}

# phase NAME COMMAND...: run COMMAND, then print how long it took (one line to stderr), so a CI
# log shows where the 30-minute budget goes.
phase() {
  local name=$1 start=$SECONDS; shift
  "$@"
  echo "setup: phase $name took $((SECONDS - start)) s" >&2
}

case "${1:-}" in
  run)
    install_missing
    build release -DCMAKE_BUILD_TYPE=Release
    exec ./build/release/app/scorelab "${@:2}"
    ;;
  test)
    install_missing
    phase "build release" build release -DCMAKE_BUILD_TYPE=Release -DSCORELAB_WERROR=ON
    phase "tests release" ctest --test-dir build/release --output-on-failure -j "$(nproc)"
    # AddressSanitizer + UndefinedBehaviorSanitizer on every test (-O2 keeps the training tests quick;
    # -g1: function names and line numbers in sanitizer reports, faster to compile than -g). Every
    # tree treats warnings as errors: a new warning fails CI whichever tree shows it.
    phase "build asan" build asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1" \
      "-DSCORELAB_SANITIZE=address;undefined" -DSCORELAB_WERROR=ON
    phase "tests asan" ctest --test-dir build/asan --output-on-failure -j "$(nproc)"
    # ThreadSanitizer on the tests that run threads (the trainer and its readers; the export's
    # encoder thread; the window state's job runner and trainer).
    phase "build tsan" build tsan --target test_threads --target test_encode --target test_state \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1" \
      -DSCORELAB_SANITIZE=thread -DSCORELAB_WERROR=ON
    phase "tests tsan" ctest --test-dir build/tsan --output-on-failure -R '^(threads|encode|state):'
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
