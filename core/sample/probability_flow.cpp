// The probability-flow ODE dx/dt = f(x, t) − ½ g(t)² s(x, t) (score_sde get_ode_sampler), with
// fixed-step Euler, Heun and RK4, or adaptive Dormand–Prince RK45 as scipy's solve_ivp does it.
//
// Coefficients f, g and step sizes are doubles; the particles (and Runge–Kutta stages) are
// floats, which limits RK45 to about 1e-7 relative per step, ~1e-6 after a run: fine for the
// reference rtol = atol = 1e-5, not for tolerances much below 1e-6 (rtol ≥ 1e-7 is enforced).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab::detail {
namespace {

// Dormand–Prince 5(4) tableau, as scipy.integrate RK45 (C, A, B, E).
constexpr double kC[6] = {0.0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0};
constexpr double kA[6][5] = {
    {0, 0, 0, 0, 0},
    {1.0 / 5, 0, 0, 0, 0},
    {3.0 / 40, 9.0 / 40, 0, 0, 0},
    {44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656}};
constexpr double kB[6] = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84};
constexpr double kE[7] = {-71.0 / 57600,    0,           71.0 / 16695, -71.0 / 1920,
                          17253.0 / 339200, -22.0 / 525, 1.0 / 40};
// scipy's step-size controller; the error estimator has order 4, so factors go as err^(−1/5).
constexpr double kSafety = 0.9, kMinFactor = 0.2, kMaxFactor = 10.0, kErrorExponent = -0.2;
// Rejections in a row before giving up (scipy has no cap; a non-finite score would loop forever).
constexpr int kMaxRejections = 100;

class ProbabilityFlowSampler final : public ParticleSampler {
 public:
  ProbabilityFlowSampler(const ProbabilityFlowConfig& c, const SdeParams& sde)
      : c_(c), sde_(sde), dir_(c.t_end > c.t_start ? 1.0 : -1.0) {}

  bool step(const ScoreModel& model, Rng&) override {
    if (finished_) return false;
    if (t_ == c_.t_end) {
      denoise(model);
      recorded_step();
      finished_ = true;
      return true;
    }
    if (c_.method == OdeMethod::Rk45) {
      rk45_step(model);
    } else {
      const int j = steps_taken_;
      const double h = (c_.t_end - c_.t_start) / c_.steps;
      const double t_next = j + 1 == c_.steps ? c_.t_end : c_.t_start + (j + 1) * h;
      fixed_step(model, t_, h);
      t_ = t_next;
    }
    recorded_step();
    if (t_ == c_.t_end && !c_.denoise) finished_ = true;
    return true;
  }
  int total_steps() const override {
    if (c_.method == OdeMethod::Rk45) return -1;
    return c_.steps + (c_.denoise ? 1 : 0);
  }
  NoiseLevel level() const override { return denoised_ ? NoiseLevel::clean() : sde_.level(t_); }

 private:
  // The prior p_T: the right start for t_start = 1 (start(x0) for anything else).
  void initial(Index, Rng& rng, Points& out) const override { sde_.sample_prior(out, rng); }
  void on_start() override {
    t_ = c_.t_start;
    h_abs_ = 0.0;
    denoised_ = false;
  }

  // out = f(x, t) − ½ g(t)² s(x, t), with out free to be score_-sized scratch.
  void velocity(const ScoreModel& model, const Points& x, double t, Points& out) const {
    model.score(x, sde_.level(t), out);
    const double g = sde_.diffusion(t);
    out = static_cast<float>(sde_.drift_coef(t)) * x + static_cast<float>(-0.5 * g * g) * out;
  }

  void fixed_step(const ScoreModel& model, double t, double h) {
    auto& k = stage_;
    const float hf = static_cast<float>(h);
    velocity(model, x_, t, k[0]);
    switch (c_.method) {
      case OdeMethod::Euler:
        x_ += hf * k[0];
        break;
      case OdeMethod::Heun:
        y_ = x_ + hf * k[0];
        velocity(model, y_, t + h, k[1]);
        x_ += (0.5f * hf) * (k[0] + k[1]);
        break;
      case OdeMethod::Rk4:
        y_ = x_ + (0.5f * hf) * k[0];
        velocity(model, y_, t + 0.5 * h, k[1]);
        y_ = x_ + (0.5f * hf) * k[1];
        velocity(model, y_, t + 0.5 * h, k[2]);
        y_ = x_ + hf * k[2];
        velocity(model, y_, t + h, k[3]);
        x_ += (hf / 6.0f) * (k[0] + 2.0f * k[1] + 2.0f * k[2] + k[3]);
        break;
      case OdeMethod::Rk45:
        break;  // adaptive: rk45_step
    }
  }

  // RMS over every coordinate of the batch of (v / scale), as scipy's norm(·) / √size.
  static double rms(const Points& v, const Points& scale) {
    if (v.size() == 0) return 0.0;
    return std::sqrt((v.array() / scale.array()).square().cast<double>().sum() /
                     static_cast<double>(v.size()));
  }

  // scipy's select_initial_step (order 4), with f0 = stage_[0] at (t_, x_). One extra NFE.
  double initial_step(const ScoreModel& model) {
    const double interval = std::abs(c_.t_end - t_);
    const Points& f0 = stage_[0];
    scale_ =
        (static_cast<float>(c_.atol) + static_cast<float>(c_.rtol) * x_.array().abs()).matrix();
    const double d0 = rms(x_, scale_), d1 = rms(f0, scale_);
    double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
    h0 = std::min(h0, interval);
    y_ = x_ + static_cast<float>(h0 * dir_) * f0;
    velocity(model, y_, t_ + h0 * dir_, stage_[1]);
    err_ = stage_[1] - f0;
    const double d2 = rms(err_, scale_) / h0;
    const double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? std::max(1e-6, h0 * 1e-3)
                                                 : std::pow(0.01 / std::max(d1, d2), 0.2);
    return std::min({100 * h0, h1, interval});
  }

  // One accepted Dormand–Prince step (scipy RK45._step_impl), retrying rejected ones.
  void rk45_step(const ScoreModel& model) {
    auto& k = stage_;
    if (h_abs_ == 0.0) {  // first step of a run: f at the start, then the initial step size
      velocity(model, x_, t_, k[0]);
      h_abs_ = initial_step(model);
    }
    // scipy: never try less than 10 ulps of t, and fail once rejections shrink below that.
    const double min_step =
        10.0 * std::abs(std::nextafter(t_, dir_ * std::numeric_limits<double>::infinity()) - t_);
    h_abs_ = std::max(h_abs_, min_step);
    bool rejected = false;
    for (int attempt = 0;; ++attempt) {
      if (h_abs_ < min_step || attempt > kMaxRejections) {
        finished_ = true;
        throw std::runtime_error("probability-flow RK45: no acceptable step at t = " +
                                 std::to_string(t_) + " (is the score finite?)");
      }
      double t_new = t_ + h_abs_ * dir_;
      if (dir_ * (t_new - c_.t_end) > 0) t_new = c_.t_end;
      const double h = t_new - t_;
      h_abs_ = std::abs(h);

      // Stages 1..5, then y_new and the FSAL stage 6 = f(t + h, y_new).
      for (int s = 1; s < 6; ++s) {
        y_ = x_;
        for (int j = 0; j < s; ++j)
          if (kA[s][j] != 0.0) y_ += static_cast<float>(h * kA[s][j]) * k[j];
        velocity(model, y_, t_ + kC[s] * h, k[s]);
      }
      y_ = x_;
      for (int j = 0; j < 6; ++j)
        if (kB[j] != 0.0) y_ += static_cast<float>(h * kB[j]) * k[j];
      velocity(model, y_, t_new, k[6]);

      err_ = static_cast<float>(h * kE[0]) * k[0];
      for (int j = 2; j < 7; ++j) err_ += static_cast<float>(h * kE[j]) * k[j];  // kE[1] = 0
      scale_ = (static_cast<float>(c_.atol) +
                static_cast<float>(c_.rtol) * x_.array().abs().max(y_.array().abs()))
                   .matrix();
      const double err = rms(err_, scale_);

      if (err < 1.0) {  // accept
        double factor =
            err == 0.0 ? kMaxFactor : std::min(kMaxFactor, kSafety * std::pow(err, kErrorExponent));
        if (rejected) factor = std::min(1.0, factor);
        h_abs_ *= factor;
        x_.swap(y_);
        k[0].swap(k[6]);  // first same as last
        t_ = t_new;
        return;
      }
      // Reject (a NaN error lands here too, and shrinks the step until the cap).
      const double shrink = std::isfinite(err) ? kSafety * std::pow(err, kErrorExponent) : 0.0;
      h_abs_ *= std::max(kMinFactor, shrink);
      rejected = true;
    }
  }

  // get_ode_sampler's denoise_update_fn: one reverse-diffusion step at t_end returning x_mean,
  //   x ← x − (f_i − G_i² s) = (1 − f_coef) x + G_i² s(x, t_end).
  void denoise(const ScoreModel& model) {
    const Sde::Discrete d = sde_.discretize(c_.t_end);
    eval_score(model, sde_.level(c_.t_end), x_);
    x_ = static_cast<float>(1.0 - d.f_coef) * x_ + static_cast<float>(d.G * d.G) * score_;
    denoised_ = true;
  }

  ProbabilityFlowConfig c_;
  Sde sde_;
  double dir_;          // +1 data → noise, −1 noise → data
  double t_ = 0.0;      // current time
  double h_abs_ = 0.0;  // RK45: size of the next step to try; 0 before the first step
  bool denoised_ = false;
  std::array<Points, 7> stage_;  // 2 × N each: Runge–Kutta stages (RK45 uses all 7)
  Points y_, err_, scale_;       // 2 × N scratch: stage point / candidate, error, error scale
};

}  // namespace

std::unique_ptr<Sampler> make_probability_flow(const ProbabilityFlowConfig& config,
                                               const SdeParams& sde) {
  const Sde process(sde);  // validates the SDE
  require_in_range("sampler.steps", config.steps, 1, 1e6);
  require_in_range("sampler.rtol", config.rtol, 1e-7, 1.0);  // float particles: see the top
  require_above("sampler.atol", config.atol, 0.0);
  require_in_range("sampler.atol", config.atol, 0.0, 1e3);
  require_in_range("sampler.t_start", config.t_start, 0.0, 1.0);
  require_in_range("sampler.t_end", config.t_end, 0.0, 1.0);
  if (config.t_start == config.t_end)
    throw InputError("sampler.t_start and sampler.t_end must differ (both are " +
                     std::to_string(config.t_start) + ")");
  if (config.denoise && config.t_end > config.t_start)
    throw InputError("sampler.denoise needs t_end < t_start (it removes noise at the data end)");
  // The VP denoising step uses √(1 − β_i) with β_i up to β_max / N: N ≤ β_max gives NaN.
  if (config.denoise && process.kind() == SdeKind::VP && !(sde.beta_max < sde.N))
    throw InputError("noise.sde.N must exceed noise.sde.beta_max (" + std::to_string(sde.beta_max) +
                     ") for the VP denoising step, got " + std::to_string(sde.N));
  return std::make_unique<ProbabilityFlowSampler>(config, sde);
}

}  // namespace scorelab::detail
