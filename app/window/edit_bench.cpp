// `scorelab bench-edit` (see edit_bench.h).
#include "app/window/edit_bench.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "app/state/app_context.h"
#include "core/common/rng.h"
#include "core/scene/scene.h"

namespace scorelab::window {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The cost of one slider edit through AppContext::apply (validate, diff, rebuild what changed),
// as the window makes it while a slider is dragged: the level slider (view.left.t, nothing to
// rebuild) and the sampler speed. Median and 95th percentile of `reps` edits, milliseconds.
json time_edits(Scene scene, int reps) {
  scene.ui.training = false;
  app::RunMode mode;
  mode.scripted = true;
  app::AppContext ctx(scene, mode);
  std::vector<double> ms;
  for (int r = 0; r < reps; ++r) {
    Scene edit = ctx.scene();
    edit.view.left.t = 0.1 + 0.8 * (r % 100) / 100.0;  // a drag of the level slider
    edit.ui.steps_per_frame = 1 + r % 7;
    const auto t0 = Clock::now();
    ctx.apply(edit);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return json{{"median_ms", ms[ms.size() / 2]}, {"p95_ms", ms[ms.size() * 95 / 100]},
              {"edits", reps}};
}

constexpr cli::FlagSpec kEditBenchFlags[] = {
    {"--quick", "", "20 edits instead of 2,000 (a smoke test, not a measurement)"},
};

// On the default scene and with a 20,000-point drawn set.
int run_edit_bench(const cli::Flags& flags, std::ostream& out, std::ostream& err) {
  const int reps = flags.has("--quick") ? 20 : 2000;
  const Scene base = parse_scene_text(default_scene_json(), "default scene");
  Scene drawn = base;
  PointSet set;
  Rng rng(1);
  for (int i = 0; i < 20'000; ++i) set.points.emplace_back(4 * rng.normal(), 4 * rng.normal());
  drawn.data.source = std::move(set);
  err << "bench-edit: default scene, then 20,000 drawn points...\n";
  const json result = {{"default_scene", time_edits(base, reps)},
                       {"drawn_20000_points", time_edits(drawn, reps)}};
  out << result.dump() << "\n";
  return 0;
}

}  // namespace

const cli::Command& edit_bench_command() {
  static const cli::Command c{
      "bench-edit",
      "measure one slider edit through the window's state (validate, diff, rebuild); JSON",
      "[--quick]",
      "Edits of the level slider and the sampler speed, as a drag makes them, on the default\n"
      "scene and on a 20,000-point drawn set: median_ms and p95_ms of each.",
      kEditBenchFlags,
      run_edit_bench};
  return c;
}

}  // namespace scorelab::window
