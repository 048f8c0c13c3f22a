// `scorelab likelihood`: log p_eps of points (a CSV, or a grid over the scene's view) through the
// probability-flow ODE (core/likelihood), with the exact or a learned score, from the exact p_T
// of the scene's data or the SDE's Gaussian prior; writes log p with its two terms (log p_T, Δ)
// and, for the exact score, the closed form beside it; prints the mean NLL of a sample of the
// data. Points stay in double from the CSV to the CSV.
#include <iterator>
#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/cli/cancel.h"
#include "app/cli/command.h"
#include "app/cli/csv.h"
#include "app/cli/model_flag.h"
#include "core/common/atomic_file.h"
#include "core/common/input_file.h"
#include "core/common/error.h"
#include "core/field/field.h"
#include "core/likelihood/likelihood.h"
#include "core/likelihood/points_file.h"
#include "core/nn/learned_score.h"
#include "core/sample/conditioning.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"
#include "core/scene/limits.h"
#include "core/scene/scene.h"
#include "core/scene/streams.h"

namespace scorelab::cli {
namespace {

constexpr FlagSpec kLikelihoodFlags[] = {
    {"--scene", "FILE", "scene file (JSON): data, noise.sde; default: the built-in default scene"},
    {"--model", "FILE", "the learned score of this checkpoint (EMA weights) instead of the exact\n"
                        "score of the scene's data"},
    {"--points", "FILE", "CSV of points: two numbers per row (x,y), an optional header line"},
    {"--grid", "WxH", "instead of --points: W × H cell centres over the scene's view square\n"
                      "(centre ± view.half_height), x fastest, bottom row first; W·H ≤ 1048576"},
    {"--out", "FILE", "CSV x,y,log_p,log_p_T,delta[,closed_form] (nats), one row per point in\n"
                      "input order (required)"},
    {"--method", "M", "rk45 (adaptive, default) or rk4 (fixed steps)"},
    {"--steps", "N", "rk4: steps from eps to 1, 1 to 100000 (default 100)"},
    {"--tol", "TOL", "rk45: rtol = atol, 1e-10 to 1 (default 1e-5)"},
    {"--eps", "T", "the data end of the flow, time in (0, 0.5] (default 1e-5)"},
    {"--divergence", "D", "exact (default) or hutchinson (one Rademacher probe per point)"},
    {"--prior", "P", "p_T at t = 1: exact (the scene's data at t = 1) or gaussian (the SDE's\n"
                     "prior); default exact with the exact score, gaussian with --model"},
    {"--test-n", "N", "data draws whose mean NLL is printed, 0 to 100000 (default 1000)"},
    {"--seed", "S", "seed of the test draws and Hutchinson's probes (default: the scene's)"},
};

// log p_eps(x) = log p_T(x(T)) + Δ(T) per point, with the closed form where the score is exact.
struct Decomposed {
  ValuesT<double> log_p, log_p_T, delta;  // N each, nats
  ValuesT<double> closed_form;            // N (the exact score) or empty (a learned one)
};

// Every number in its shortest text that reads back as the same double.
std::string log_p_csv(const PointsT<double>& x, const Decomposed& d) {
  const bool closed = d.closed_form.size() > 0;
  std::string s = closed ? "x,y,log_p,log_p_T,delta,closed_form\n" : "x,y,log_p,log_p_T,delta\n";
  for (Index i = 0; i < x.cols(); ++i) {
    for (const double v : {x(0, i), x(1, i), d.log_p[i], d.log_p_T[i], d.delta[i]}) {
      append_double(s, v);
      s += ',';
    }
    if (closed) append_double(s, d.closed_form[i]);
    else s.pop_back();
    s += '\n';
  }
  return s;
}

enum class PriorChoice { Exact, Gaussian };

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
  // The default follows the score (see the help text): the exact score's log p is checkable
  // against the closed form only from the exact p_T; a learned model's likelihood is read, as in
  // the window's model-density map and the reference, from the prior a sampler starts from.
  PriorChoice prior = flags.has("--model") ? PriorChoice::Gaussian : PriorChoice::Exact;
  if (flags.has("--prior")) {
    const std::string p = flags.text("--prior");
    if (p == "exact") prior = PriorChoice::Exact;
    else if (p == "gaussian") prior = PriorChoice::Gaussian;
    else throw UsageError("--prior must be exact or gaussian, got '" + p + "'");
  }

  const Scene scene = flags.has("--scene") ? load_scene(flags.text("--scene"))
                                           : parse_scene_text(default_scene_json(), "default scene");
  const std::uint64_t seed = flags.has("--seed") ? flags.unsigned_integer("--seed") : scene.seed;
  SceneStreams streams = scene_streams(seed);
  std::unique_ptr<ScoreModel> exact = make_exact_score(scene.data, streams.data);
  std::unique_ptr<LearnedScore> learned;
  if (flags.has("--model"))
    learned = std::make_unique<LearnedScore>(
        load_model_flag(flags, scene, "likelihood", err).snapshot(), /*use_ema=*/true);
  const ScoreModel& model = learned ? static_cast<const ScoreModel&>(*learned) : *exact;
  const Sde sde(scene.noise.sde);
  // Every data kind has an exact model with a log-density today (make_exact_score: mixtures,
  // point sets, and a sample-only dataset's finite sample); a kind without one has no exact p_T.
  if (prior == PriorChoice::Exact && !exact->has_log_density())
    throw InputError("--prior exact needs the exact p_T of the scene's data, and this data has "
                     "no closed-form density; use --prior gaussian");
  const ScoreModel* exact_p_T = prior == PriorChoice::Exact ? exact.get() : nullptr;
  // The closed form is the reference only for the exact score (a learned one has its own p_eps).
  const bool closed_form = !learned && exact->has_log_density();

  PointsT<double> x;
  if (flags.has("--grid")) {
    Grid g;
    const double h = scene.view.half_height;
    g.x0 = scene.view.center_x - h, g.x1 = scene.view.center_x + h;
    g.y0 = scene.view.center_y - h, g.y1 = scene.view.center_y + h;
    g.nx = grid_size.first, g.ny = grid_size.second;
    x = g.points<double>();
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
  // The whole run (the points and the test draws) against the time budget, before any work.
  const CostItem cost =
      likelihood_cost(scene, o, double(x.cols() + test_n), learned != nullptr,
                      std::to_string(x.cols()) + " points and " + std::to_string(test_n) +
                          " test draws");
  check_item_cost(cost, budget_from_environment());
  err << "likelihood: estimated " << seconds_text(cost.steps * cost.step_seconds) << "\n";
  const CancelOnSignal cancel;

  using Clock = std::chrono::steady_clock;
  Rng probes = streams.particles.split();
  LikelihoodControl control;
  control.cancel = &cancel.flag();
  auto last = Clock::now();
  control.progress = [&](double f) {
    const auto now = Clock::now();
    if (now - last < std::chrono::seconds(1)) return;
    last = now;
    err << "likelihood: " << static_cast<int>(100 * f) << "%\n";
  };
  // log p = log p_T(x(T)) + Δ(T) with the chosen p_T (log_likelihood's own answer is the
  // Gaussian prior's; the flow's end gives any other), and the closed form at eps, all in double.
  const auto decompose = [&](const PointsT<double>& pts, const LikelihoodControl& c,
                             LikelihoodStats* st) {
    Decomposed d;
    FlowEnd end;
    ValuesT<double> with_gaussian_prior;
    if (!log_likelihood(model, sde, pts, o, with_gaussian_prior, &probes, c, st, &end))
      throw InputError("likelihood cancelled; nothing was written (" + quoted_name(out_path) +
                       " is as it was)");
    d.log_p_T = log_p_T(sde, end.x, exact_p_T);
    d.delta = end.delta;
    d.log_p = d.log_p_T + d.delta;
    if (closed_form) exact->log_density(pts, sde.level(o.eps), d.closed_form);
    return d;
  };
  const auto max_error = [](const Decomposed& d) {
    return (d.log_p - d.closed_form).cwiseAbs().maxCoeff();
  };

  out << "prior p_T: ";
  if (prior == PriorChoice::Gaussian) {
    out << "gaussian, N(0, " << sde.prior_std() << "^2 I), the SDE's prior (log p includes the "
        << "prior mismatch)\n";
  } else if (mixture_components(scene.data)) {
    out << "exact, the scene's Gaussian mixture at t = 1\n";
  } else if (std::holds_alternative<PointSet>(scene.data.source)) {
    out << "exact, the scene's point set at t = 1 (its empirical mixture)\n";
  } else {
    out << "exact, the empirical mixture of the scene's " << scene.data.points << " draws of '"
        << std::get<std::string>(scene.data.source) << "' at t = 1 (not the dataset's own "
        << "density)\n";
  }
  const auto t0 = Clock::now();
  LikelihoodStats stats;
  const Decomposed d = decompose(x, control, &stats);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (Index i = 0; i < d.log_p.size(); ++i)
    if (!std::isfinite(d.log_p[i]))
      throw InputError("log p at point " + std::to_string(i) + " is not finite: nothing written");
  write_file_atomic(out_path, log_p_csv(x, d));
  out << "log p of " << x.cols() << " points (" << stats.evaluations << " evaluations, " << seconds
      << " s) -> " << out_path << "\n";
  if (closed_form)
    out << "max |log p - closed form| over the " << x.cols() << " points: " << max_error(d)
        << " nats\n";

  if (test_n > 0) {
    // The test sample: fresh draws of the data (its own stream, so it is the same for any input).
    Rng test_rng = streams.data.split();
    Points test;
    make_data_source(scene.data)(test_n, test_rng, test);
    LikelihoodControl quiet;  // no progress lines for the test draws
    quiet.cancel = &cancel.flag();
    const Decomposed t = decompose(test.cast<double>(), quiet, nullptr);
    out << "mean NLL on " << test_n << " data draws: " << mean_nll(t.log_p) << " nats";
    if (exact->has_log_density()) {
      // The data's closed form also beside a learned model's NLL: how far its p_eps is off.
      ValuesT<double> exact_log_p = t.closed_form;
      if (!closed_form)
        exact->log_density(test.cast<double>().eval(), sde.level(o.eps), exact_log_p);
      out << " (exact log p_eps: " << mean_nll(exact_log_p) << " nats";
      if (closed_form) out << "; max |log p - closed form| " << max_error(t) << " nats";
      out << ")";
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
      "       [--steps N] [--tol TOL] [--eps T] [--divergence exact|hutchinson]\n"
      "       [--prior exact|gaussian] [--test-n N] [--seed S]",
      "Integrates the probability-flow ODE of the scene's noise.sde from t = eps to 1 with the\n"
      "instantaneous change of variables, log p_eps(x) = log p_T(x(1)) + delta, delta the\n"
      "integral of the divergence (exact 2-D divergence by default), and writes per point, in\n"
      "nats: log_p, its two terms log_p_T and delta, and with the exact score the closed form\n"
      "log p_eps (closed_form). It prints which p_T it used and the largest difference\n"
      "|log_p - closed_form|. Points are read, integrated and written in double (shortest\n"
      "round-trip text).\n"
      "\n"
      "--prior exact takes p_T from the scene's data at t = 1 (every data kind has one: a\n"
      "mixture's closed form, a point set's or a sample-only dataset's empirical mixture); then\n"
      "the exact score's log p differs from the closed form only by the ODE's error, which the\n"
      "printed max shows. For a Gaussian mixture it is within 1e-3 nats on the data at the\n"
      "default --tol; off the data (log p of tens of nats below the modes) use --tol 1e-6, and\n"
      "where |log p| is hundreds of nats --tol 1e-7 (the tolerance is per step and relative).\n"
      "An empirical mixture's flow near a small eps is stiff: use --tol 1e-7 or a larger --eps.\n"
      "--prior gaussian takes the SDE's prior N(0, prior_std^2 I), which differs from p_T: under\n"
      "VE with sigma_max = 10 by tenths of a nat on data, nats off it. The default is exact for\n"
      "the exact score, so that its number is checkable, and gaussian with --model, the\n"
      "likelihood a real user without p_T gets (and the window's model-density map shows);\n"
      "--model with --prior exact keeps the learned flow and makes only the p_T term exact.\n"
      "\n"
      "Also prints the mean negative log-likelihood of --test-n draws of the scene's data (and\n"
      "the closed form's). The output is written atomically, only after every point has a\n"
      "finite value.\n"
      "\n"
      "The run's time is estimated before it starts (printed on stderr) and refused above the\n"
      "budget (SCORELAB_TIME_BUDGET, 4 hours by default). Ctrl-C / SIGTERM stop it cleanly\n"
      "(exit 1, nothing written).",
      kLikelihoodFlags,
      run_likelihood};
  return c;
}

}  // namespace scorelab::cli
