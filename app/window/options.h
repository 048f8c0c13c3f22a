// The window's command line: `scorelab [--scene FILE] [--size WxH] [--frames N]
// [--screenshot out.png] [--bench-frames N]`. No arguments opens the default scene.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scorelab::window {

struct Options {
  std::optional<std::string> scene;       // scene file; the built-in default scene if absent
  // A lesson file (core/lesson/lesson.h) opened at step `step` (1-based) instead of a scene.
  std::optional<std::string> lesson;
  int step = 1;
  int width = 1280, height = 800;         // window size, screen coordinates
  int frames = 0;                         // > 0: scripted, run N frames then exit
  std::optional<std::string> screenshot;  // PNG of the last frame (scripted mode)
  // CSV (x,y) of the particles at the last frame (scripted mode), exactly as `scorelab sample`
  // writes its output: the window and the command line give the same particles for one scene.
  std::optional<std::string> particles_out;
  int bench_frames = 0;                   // > 0: frame-time benchmark, JSON on stdout
  // Benchmark: frames paced at the display's rate as in an interactive run (frame times then
  // include the wait), instead of drawn back to back.
  bool paced = false;
  // Scripted: press the Export panel's button at the first frame with this output path (the
  // panel's other settings at their defaults); the run goes on until the export is complete.
  std::optional<std::string> export_path;
  // Scripted: keys pressed at given frames, as if typed (the keyboard's own path: R restarts the
  // sampler, F fits the view, digits toggle layers, ...). Pairs (frame ≥ 1, GLFW key code).
  std::vector<std::pair<int, int>> presses;
  // Scripted: save the session (scene only) to this file at the last frame, as File > Save does.
  std::optional<std::string> save;
  bool presenter = false;  // start in presenter mode (the scene's ui.presenter; P toggles it)
  // Test only (scripted): a JSON of the labelled ImGui items of the last frame, their rectangles
  // and text sizes (app/widgets/item_report.h), to check that no label is cut off.
  std::optional<std::string> ui_report;
};

// Whether these arguments are for the window (none, a window flag first, or a scene file
// `scorelab FILE.json`); everything else goes to the command line (app/cli).
bool is_window_command(const std::vector<std::string>& args);

// Throws InputError naming the flag for a bad or unknown flag.
Options parse_options(const std::vector<std::string>& args);

inline constexpr const char* kUsage =
    "Usage: scorelab [FILE.json | --scene FILE | --lesson FILE [--step K]] [--size WxH]\n"
    "                [--presenter] [--frames N [--screenshot out.png] [--export anim.gif]\n"
    "                [--particles-out final.csv] [--press F:KEY,...] [--save session.json]\n"
    "                [--ui-report items.json]]\n"
    "       scorelab --bench-frames N [--paced] [--scene FILE] [--size WxH]\n"
    "  Opens the visualizer window (no arguments: the default scene, 8-Gaussian ring, training\n"
    "  on). --presenter starts in presenter mode (P toggles it): a large vector font, the plot\n"
    "  the whole width (C shows the sampler's controls), high-contrast colours, thicker lines.\n"
    "  --frames runs N frames deterministically and exits (with --screenshot: writes the\n"
    "  last frame as PNG; with --particles-out: the last frame's particles as CSV, as\n"
    "  `scorelab sample` writes them; with --export: starts that export from the Export panel at the\n"
    "  first frame and runs until it is written; with --press 10:R,20:F: presses R at frame 10\n"
    "  and F at frame 20; keys are letters, digits, Space, Left, Right, PageUp, PageDown; with\n"
    "  --save: saves the session as File > Save does). FILE.json opens a saved session (with its\n"
    "  model, if saved with one). --lesson opens a lesson (assets/lessons/*.json) at step K\n"
    "  (default 1), as its Lessons menu does. --bench-frames prints JSON with p50/p95 frame\n"
    "  times, training steps per second (training on) and sampler restarts (a finished run\n"
    "  starts the next one); frames are drawn back to back, or with --paced at the display's rate\n"
    "  as interactive runs are (frame times then include the wait). --ui-report (tests) writes\n"
    "  the last frame's labelled widgets, their rectangles and text sizes, as JSON.\n";

}  // namespace scorelab::window
