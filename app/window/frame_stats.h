// The frame benchmark's statistics (`scorelab --bench-frames N`): each measured frame's time and
// work, training progress and sampler restarts, and the one JSON line the benchmark prints.
#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace scorelab::window {

class FrameStats {
 public:
  static constexpr int kWarmup = 30;  // frames not measured (first uploads, trainer spin-up)

  // After frame `frame` (from 1): `frame_ms` from its start to the start of the next frame (with
  // any pacing wait), `busy_ms` its work without the wait. The warm-up's last frame starts the
  // measured stretch (its clock and `training_step`, the trainer's step then); the frames after
  // it are measured.
  void record(int frame, double frame_ms, double busy_ms, long training_step);
  // A sampler run that finished at frame `frame` and was restarted; counted after the warm-up.
  void count_restart(int frame);

  // What the JSON says besides the statistics: the run's settings and its state at the end.
  struct Run {
    int width = 0, height = 0;  // the window's size, screen coordinates
    long training_step = 0;     // the trainer's step now (0 without a model)
    long particles = 0;         // particles drawn
    long particles_with_trail = 0;
    bool software_rasteriser = false;
    bool background_idle = false;  // background threads at idle priority ("idle"; else "nice")
    bool paced = false;
  };
  // One line: {"frames": …, "warmup_frames", "width", "height", "p50_ms", "p95_ms", "mean_ms",
  // "max_ms", "training_steps_per_second", "particles", "particles_with_trail",
  // "sampler_restarts", "software_rasteriser", "background", "paced", "busy_p50_ms",
  // "busy_p95_ms"} (README: the frame benchmark). Steps per second count from the warm-up's end
  // to now.
  std::string json(const Run& run) const;

 private:
  std::vector<double> frame_times_;  // measured frames: start to start of the next frame, ms
  std::vector<double> busy_times_;   // measured frames: each frame's work, without the wait, ms
  std::chrono::steady_clock::time_point start_{};  // the end of the warm-up
  long start_step_ = 0;                            // the trainer's step then
  int restarts_ = 0;  // sampler runs that finished during the measured frames and restarted
};

}  // namespace scorelab::window
