// `scorelab likelihood`: log p_eps of points (a CSV, or a grid over the scene's view) through the
// probability-flow ODE (core/likelihood), with the exact or a learned score; prints the mean NLL
// of a sample of the data.
#include <charconv>
#include <iterator>
#include <chrono>
#include <cmath>
#include <memory>
#include <ostream>
#include <string>

#include "app/cli/command.h"
#include "app/cli/csv.h"
#include "core/common/atomic_file.h"
#include "core/common/input_file.h"
#include "core/common/error.h"
#include "core/field/field.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"
#include "core/scene/scene.h"
#include "core/scene/streams.h"

namespace scorelab::cli {
namespace {

// At most this many points per request (a 1024 × 1024 grid, ~10⁶ ODE solves); more is refused
// before any work rather than running for hours.
constexpr Index kMaxLikelihoodPoints = 1 << 20;

constexpr FlagSpec kLikelihoodFlags[] = {
    {"--scene", "FILE", "scene file (JSON): data, noise.sde; default: the built-in default scene"},
    {"--model", "FILE", "the learned score of this checkpoint (EMA weights) instead of the exact\n"
                        "score of the scene's data"},
    {"--points", "FILE", "CSV of points: two numbers per row (x,y), an optional header line"},
    {"--grid", "WxH", "instead of --points: W × H cell centres over the scene's view square\n"
                      "(centre ± view.half_height), x fastest, bottom row first; W·H ≤ 1048576"},
    {"--out", "FILE", "CSV x,y,log_p (nats), one row per point in input order (required)"},
    {"--method", "M", "rk45 (adaptive, default) or rk4 (fixed steps)"},
    {"--steps", "N", "rk4: steps from eps to 1, 1 to 100000 (default 100)"},
    {"--tol", "TOL", "rk45: rtol = atol, 1e-10 to 1 (default 1e-5)"},
    {"--eps", "T", "the data end of the flow, time in (0, 0.5] (default 1e-5)"},
    {"--divergence", "D", "exact (default) or hutchinson (one Rademacher probe per point)"},
    {"--test-n", "N", "data draws whose mean NLL is printed, 0 to 100000 (default 1000)"},
    {"--seed", "S", "seed of the test draws and Hutchinson's probes (default: the scene's)"},
};

// Parses "x,y" rows; an optional first line that is not two numbers is a header. Every refusal
// names the file, the line and the reason.
Points read_points_csv(const std::string& path, const std::string& text) {
  std::vector<float> xy;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::size_t comma = line.find(',');
    double v[2];
    bool ok = comma != std::string::npos && line.find(',', comma + 1) == std::string::npos;
    const std::string cells[2] = {ok ? line.substr(0, comma) : line,
                                  ok ? line.substr(comma + 1) : ""};
    for (int c = 0; ok && c < 2; ++c) {
      std::string s = cells[c];
      while (!s.empty() && s.front() == ' ') s.erase(0, 1);
      while (!s.empty() && s.back() == ' ') s.pop_back();
      const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v[c]);
      ok = ec == std::errc() && p == s.data() + s.size() && !s.empty();
      // from_chars reads "nan" and "inf": those are numbers, but not points.
      if (ok && !std::isfinite(v[c]))
        throw InputError(path + " line " + std::to_string(line_no) + ": '" + s +
                         "' is not a finite number");
    }
    if (!ok) {
      if (line_no == 1) continue;  // a header
      throw InputError(path + " line " + std::to_string(line_no) +
                       ": expected two numbers x,y, got '" + line + "'");
    }
    if (xy.size() / 2 >= static_cast<std::size_t>(kMaxLikelihoodPoints))
      throw InputError(path + " has more than " + std::to_string(kMaxLikelihoodPoints) +
                       " points, the most one request takes");
    xy.push_back(static_cast<float>(v[0]));
    xy.push_back(static_cast<float>(v[1]));
  }
  if (xy.empty()) throw InputError(path + " holds no points");
  return Eigen::Map<const Points>(xy.data(), 2, static_cast<Index>(xy.size() / 2));
}

std::string log_p_csv(const Points& x, const Values& log_p) {
  std::string s = "x,y,log_p\n";
  for (Index i = 0; i < x.cols(); ++i) {
    append_float(s, x(0, i));
    s += ',';
    append_float(s, x(1, i));
    s += ',';
    append_float(s, log_p[i]);
    s += '\n';
  }
  return s;
}

int run_likelihood(const Flags& flags, std::ostream& out, std::ostream& err) {
  // Every flag is checked (exit 2) before the scene is read (exit 1).
  const std::string out_path = flags.text("--out");
  if (flags.has("--points") == flags.has("--grid"))
    throw UsageError("give exactly one of --points FILE and --grid WxH");
  std::pair<int, int> grid_size{0, 0};
  if (flags.has("--grid")) {
    grid_size = flags.size("--grid", 1, 1 << 20);
    const double total = double(grid_size.first) * grid_size.second;
    if (total > kMaxLikelihoodPoints)
      throw UsageError("--grid " + flags.text("--grid") + " is " +
                       std::to_string(static_cast<long long>(total)) + " points; at most " +
                       std::to_string(kMaxLikelihoodPoints) + " (e.g. 1024x1024)");
  }
  LikelihoodOptions o;
  if (flags.has("--method")) {
    const std::string m = flags.text("--method");
    if (m == "rk45") o.method = OdeMethod::Rk45;
    else if (m == "rk4") o.method = OdeMethod::Rk4;
    else throw UsageError("--method must be rk45 or rk4, got '" + m + "'");
  }
  if (flags.has("--steps")) o.steps = static_cast<int>(flags.integer("--steps", 1, 100000));
  if (flags.has("--tol")) o.rtol = o.atol = flags.number("--tol", 1e-10, 1.0);
  if (flags.has("--eps")) {
    o.eps = flags.number("--eps", 0.0, 0.5);
    if (!(o.eps > 0)) throw UsageError("--eps must be > 0 (the score is singular at t = 0)");
  }
  if (flags.has("--divergence")) {
    const std::string d = flags.text("--divergence");
    if (d == "exact") o.divergence = DivergenceMethod::Exact;
    else if (d == "hutchinson") o.divergence = DivergenceMethod::Hutchinson;
    else throw UsageError("--divergence must be exact or hutchinson, got '" + d + "'");
  }
  const Index test_n = flags.has("--test-n") ? flags.integer("--test-n", 0, 100000) : 1000;

  const Scene scene = flags.has("--scene") ? load_scene(flags.text("--scene"))
                                           : parse_scene_text(default_scene_json(), "default scene");
  const std::uint64_t seed = flags.has("--seed") ? flags.unsigned_integer("--seed") : scene.seed;
  SceneStreams streams = scene_streams(seed);
  std::unique_ptr<ScoreModel> exact = make_exact_score(scene.data, streams.data);
  std::unique_ptr<LearnedScore> learned;
  if (flags.has("--model"))
    learned = std::make_unique<LearnedScore>(load_checkpoint(flags.text("--model")).snapshot(),
                                             /*use_ema=*/true);
  const ScoreModel& model = learned ? static_cast<const ScoreModel&>(*learned) : *exact;
  const Sde sde(scene.noise.sde);

  Points x;
  if (flags.has("--grid")) {
    Grid g;
    const double h = scene.view.half_height;
    g.x0 = scene.view.center_x - h, g.x1 = scene.view.center_x + h;
    g.y0 = scene.view.center_y - h, g.y1 = scene.view.center_y + h;
    g.nx = grid_size.first, g.ny = grid_size.second;
    x = g.points();
  } else {
    const std::string path = flags.text("--points");
    constexpr std::size_t kMaxPointsFileBytes = std::size_t(64) << 20;  // ~2 million points
    x = read_points_csv(path, read_input_file(path, "points file", kMaxPointsFileBytes));
  }
  // Refuse an impossible output (a directory, a device, one of the inputs) before the run.
  std::vector<std::string> inputs;
  for (const char* flag : {"--scene", "--model", "--points"})
    if (flags.has(flag)) inputs.push_back(flags.text(flag));
  check_output(out_path, inputs);

  using Clock = std::chrono::steady_clock;
  Rng probes = streams.particles.split();
  LikelihoodControl control;
  auto last = Clock::now();
  control.progress = [&](double f) {
    const auto now = Clock::now();
    if (now - last < std::chrono::seconds(1)) return;
    last = now;
    err << "likelihood: " << static_cast<int>(100 * f) << "%\n";
  };
  const auto t0 = Clock::now();
  Values log_p;
  LikelihoodStats stats;
  log_likelihood(model, sde, x, o, log_p, &probes, control, &stats);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (Index i = 0; i < log_p.size(); ++i)
    if (!std::isfinite(log_p[i]))
      throw InputError("log p at point " + std::to_string(i) + " is not finite: nothing written");
  write_file_atomic(out_path, log_p_csv(x, log_p));
  out << "log p of " << x.cols() << " points (" << stats.evaluations << " evaluations, " << seconds
      << " s) -> " << out_path << "\n";

  if (test_n > 0) {
    // The test sample: fresh draws of the data (its own stream, so it is the same for any input).
    Rng test_rng = streams.data.split();
    Points test;
    make_data_source(scene.data)(test_n, test_rng, test);
    Values test_log_p;
    log_likelihood(model, sde, test, o, test_log_p, &probes);
    out << "mean NLL on " << test_n << " data draws: " << mean_nll(test_log_p) << " nats";
    if (exact->has_log_density()) {
      Values exact_log_p;
      exact->log_density(test, sde.level(o.eps), exact_log_p);
      out << " (exact log p_eps: " << mean_nll(exact_log_p) << " nats)";
    }
    out << "\n";
  }
  return 0;
}

}  // namespace

const Command& likelihood_command() {
  static const Command c{
      "likelihood",
      "log-density of points through the probability-flow ODE (exact or learned score)",
      "[--scene FILE] [--model FILE] --points FILE|--grid WxH --out FILE [--method rk45|rk4]\n"
      "       [--steps N] [--tol TOL] [--eps T] [--divergence exact|hutchinson] [--test-n N]",
      "Integrates the probability-flow ODE of the scene's noise.sde from t = eps to 1 with the\n"
      "instantaneous change of variables (log p_eps(x) = log p_prior(x(1)) + ∫ div), exact 2-D\n"
      "divergence by default, and writes log p in nats per point. Also prints the mean negative\n"
      "log-likelihood of --test-n draws of the scene's data (and, for exact scores, the closed\n"
      "form's). The output is written atomically, only after every point has a finite value.",
      kLikelihoodFlags,
      run_likelihood};
  return c;
}

}  // namespace scorelab::cli
