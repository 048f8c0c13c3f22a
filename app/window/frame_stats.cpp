// The frame benchmark's statistics and its JSON line (see frame_stats.h).
#include "app/window/frame_stats.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace scorelab::window {

namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size() - 1) + 0.5))];
}

}  // namespace

void FrameStats::record(int frame, double frame_ms, double busy_ms, long training_step) {
  if (frame == kWarmup) {
    start_ = std::chrono::steady_clock::now();
    start_step_ = training_step;
  }
  if (frame > kWarmup) {
    frame_times_.push_back(frame_ms);
    busy_times_.push_back(busy_ms);
  }
}

void FrameStats::count_restart(int frame) {
  if (frame > kWarmup) ++restarts_;
}

std::string FrameStats::json(const Run& run) const {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const long steps = run.training_step - start_step_;
  const double mean_ms = frame_times_.empty()
                             ? 0.0
                             : std::accumulate(frame_times_.begin(), frame_times_.end(), 0.0) /
                                   double(frame_times_.size());
  char json[512];
  std::snprintf(
      json, sizeof json,
      "{\"frames\": %d, \"warmup_frames\": %d, \"width\": %d, \"height\": %d, "
      "\"p50_ms\": %.2f, \"p95_ms\": %.2f, \"mean_ms\": %.2f, \"max_ms\": %.2f, "
      "\"training_steps_per_second\": %.1f, \"particles\": %ld, "
      "\"particles_with_trail\": %ld, \"sampler_restarts\": %d, "
      "\"software_rasteriser\": %s, \"background\": \"%s\", \"paced\": %s, "
      "\"busy_p50_ms\": %.2f, \"busy_p95_ms\": %.2f}\n",
      int(frame_times_.size()), kWarmup, run.width, run.height, percentile(frame_times_, 0.5),
      percentile(frame_times_, 0.95), mean_ms, percentile(frame_times_, 1.0),
      seconds > 0 ? double(steps) / seconds : 0.0, run.particles, run.particles_with_trail,
      restarts_, run.software_rasteriser ? "true" : "false", run.background_idle ? "idle" : "nice",
      run.paced ? "true" : "false", percentile(busy_times_, 0.5), percentile(busy_times_, 0.95));
  return json;
}

}  // namespace scorelab::window
