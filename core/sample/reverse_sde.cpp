// The reverse-SDE predictor–corrector sampler of score_sde (sampling.py get_pc_sampler): on the
// grid t_k = linspace(T, eps, N), one Langevin corrector pass then one predictor step per t_k.
#include "core/sample/reverse_sde.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/sample/sampler_impl.h"

namespace scorelab {
namespace {

using detail::ParticleSampler;

class ReverseSdeSampler final : public ParticleSampler {
 public:
  ReverseSdeSampler(const ReverseSdeConfig& c, const SdeParams& sde) : c_(c), sde_(sde) {
    known_ = c.condition.observe == Conditioning::Observe::X2 ? 1 : 0;
    known_value_ = known_ == 1 ? c.condition.x2 : c.condition.x1;
  }

  bool step(const ScoreModel& model, Rng& rng) override {
    if (finished_) return false;
    const double t = grid(steps_taken_);
    const NoiseLevel lv = sde_.level(t);
    if (c_.corrector == Corrector::Langevin)
      for (int j = 0; j < c_.corrector_steps; ++j) {
        langevin_corrector(model, lv, t, rng);
        impute(lv, rng, true);
      }
    // noise_removal: the last predictor step returns x_mean, i.e. leaves its noise out.
    const bool last = steps_taken_ + 1 == sde_.N();
    predictor(model, lv, t, rng, !(last && c_.denoise));
    impute(lv, rng, !(last && c_.denoise));
    recorded_step();
    return true;
  }
  int total_steps() const override { return sde_.N(); }
  NoiseLevel level() const override {
    // After step k the particles are at about t_{k+1}; after the last one, at the data (t = 0).
    const int k = steps_taken_;
    return sde_.level(k < sde_.N() ? grid(k) : 0.0);
  }

 private:
  // Imputation starts from x = m⊙y + (1−m)⊙prior sample (get_pc_inpainter).
  void initial(Index, Rng& rng, Points& out) const override {
    sde_.sample_prior(out, rng);
    if (imputing()) out.row(known_).setConstant(static_cast<float>(known_value_));
  }

  bool imputing() const { return c_.condition.replaces(); }

  // get_pc_inpainter, after every corrector and predictor update: the known coordinate becomes a
  // fresh draw of its noisy marginal at the update's level, m(t)·y + s(t)·z. With noisy = false
  // (the last step under noise_removal) it becomes the mean m(t)·y, as the reference's x_mean.
  // (The reference's x_mean keeps the noisy unknown part, a quirk; ours is the denoised one, the
  // same as without imputation.)
  void impute(const NoiseLevel& lv, Rng& rng, bool noisy) {
    if (!imputing()) return;
    const float mean = static_cast<float>(lv.m * known_value_);
    if (!noisy) {
      x_.row(known_).setConstant(mean);
      return;
    }
    known_noise_.resize(x_.cols());
    rng.fill_normal(known_noise_.data(), known_noise_.size());
    x_.row(known_) = (mean + static_cast<float>(lv.s) * known_noise_.array()).matrix().transpose();
  }

  // t_k = linspace(T, eps, N)[k] (torch.linspace: a single point is T).
  double grid(int k) const {
    const int n = sde_.N();
    return n == 1 ? Sde::T : Sde::T + k * (c_.eps - Sde::T) / (n - 1);
  }

  // Langevin corrector (LangevinCorrector): one step size for the whole batch,
  //   ε = 2 a (r n̄ / ḡ)², n̄ = mean_b ‖z_b‖, ḡ = mean_b ‖s_b‖  (reference quirk: batch means,
  // not per-particle norms), a = 1 − β_i for VP / sub-VP and 1 for VE and the straight path.
  void langevin_corrector(const ScoreModel& model, const NoiseLevel& lv, double t, Rng& rng) {
    eval_score(model, lv, x_);
    draw_noise(rng);
    const double n = std::max<double>(1.0, static_cast<double>(x_.cols()));
    const double g_bar = score_.colwise().norm().cast<double>().sum() / n;
    const double n_bar = noise_.colwise().norm().cast<double>().sum() / n;
    const double a = sde_.has_beta() ? 1.0 - sde_.discrete_beta(sde_.index(t)) : 1.0;
    // ḡ = 0 (a flat density, or no particles): no direction to move in, so no step, not NaN.
    const double r = c_.snr * n_bar / g_bar;
    const double eps = g_bar > 0.0 && std::isfinite(r) ? 2.0 * a * r * r : 0.0;
    x_ = x_ + static_cast<float>(eps) * score_ + static_cast<float>(std::sqrt(2.0 * eps)) * noise_;
  }

  // Every predictor is x ← a x + b s + c z with s = s(x, t); (a, b, c) per score_sde:
  //   Euler–Maruyama:    x + (f − g² s) dt + g √|dt| z, dt = −1/N (reference quirk: not the grid
  //                      spacing (T − eps)/(N − 1))
  //   reverse diffusion: x − (f_i − G_i² s) + G_i z          (Sde::discretize)
  //   ancestral VE:      x + (σ_i² − σ_{i−1}²) s + √(σ_{i−1}² (σ_i² − σ_{i−1}²) / σ_i²) z
  //   ancestral VP:      (x + β_i s) / √(1 − β_i) + √β_i z
  // With noise = false (the last step under noise_removal) c is dropped: x becomes x_mean.
  void predictor(const ScoreModel& model, const NoiseLevel& lv, double t, Rng& rng, bool noise) {
    double a = 1.0, b = 0.0, c = 0.0;
    switch (c_.predictor) {
      case Predictor::None:
        return;  // NonePredictor returns (x, x): x_mean is the noisy x
      case Predictor::EulerMaruyama: {
        const double dt = -1.0 / sde_.N(), g = sde_.diffusion(t);
        a = 1.0 + sde_.drift_coef(t) * dt;
        b = -g * g * dt;
        c = g * std::sqrt(-dt);
        break;
      }
      case Predictor::ReverseDiffusion: {
        const Sde::Discrete d = sde_.discretize(t);
        a = 1.0 - d.f_coef;
        b = d.G * d.G;
        c = d.G;
        break;
      }
      case Predictor::Ancestral: {
        const int i = sde_.index(t);
        if (sde_.kind() == SdeKind::VE) {
          const double s2 = std::pow(sde_.discrete_sigma(i), 2);
          const double sp2 = std::pow(sde_.discrete_sigma(i - 1), 2);  // σ_{−1} = 0
          b = s2 - sp2;
          c = std::sqrt(sp2 * (s2 - sp2) / s2);
        } else {  // VP (sub-VP is rejected by make_reverse_sde)
          const double beta = sde_.discrete_beta(i);
          a = 1.0 / std::sqrt(1.0 - beta);
          b = beta * a;
          c = std::sqrt(beta);
        }
        break;
      }
    }
    eval_score(model, lv, x_);
    affine_update(a, b, noise ? c : 0.0, rng);
  }

  ReverseSdeConfig c_;
  Sde sde_;
  int known_ = 0;            // imputation: the row of the known coordinate
  double known_value_ = 0;   // imputation: its observed value y, data units
  Values known_noise_;       // N, fresh normals for the known coordinate
};

}  // namespace

std::string summary(const ReverseSdeConfig& c) {
  std::string out(label_of(c.predictor));
  if (c.corrector == Corrector::Langevin)
    out += " + " + std::to_string(c.corrector_steps) +
           (c.corrector_steps == 1 ? " corrector step" : " corrector steps");
  return out;
}

bool edit(ParamEditor& e, ReverseSdeConfig& c) {
  bool changed = e.choice("predictor", c.predictor);
  changed |= e.choice("corrector", c.corrector);
  if (c.corrector == Corrector::Langevin) {
    changed |= e.number("snr", c.snr, 0.001, 10, "%.3g", true);
    changed |= e.integer("corrector steps", c.corrector_steps, 1, 10);
  }
  changed |= e.toggle("final denoise", c.denoise);
  return changed;
}

SamplerWork work(const ReverseSdeConfig& c, const SigmaSchedule&, const SdeParams& sde) {
  const double N = sde.N;
  const double per_step = (c.predictor == Predictor::None ? 0 : 1) +
                          (c.corrector == Corrector::None ? 0 : c.corrector_steps);
  return {N * std::max(per_step, 1.0) + 1, N};
}

std::unique_ptr<Sampler> build(const ReverseSdeConfig& config, const SigmaSchedule&,
                               const SdeParams& sde) {
  const Sde process(sde);  // validates the SDE
  require_above("sampler.snr", config.snr, 0.0);
  require_in_range("sampler.snr", config.snr, 0.0, 100.0);
  require_in_range("sampler.corrector_steps", config.corrector_steps, 1, 1000);
  config.condition.validate();
  if (config.condition.weighs())
    throw InputError(
        "sampler.condition.method 'smc' runs in the annealed_langevin sampler (its "
        "Langevin moves between reweightings); 'exact' works here");
  require_above("sampler.eps", config.eps, 0.0);
  require_in_range("sampler.eps", config.eps, 0.0, 0.999);
  if (config.predictor == Predictor::None && config.corrector == Corrector::None)
    throw InputError("sampler.predictor and sampler.corrector are both 'none': nothing to run");
  if (config.predictor == Predictor::Ancestral && process.kind() != SdeKind::VE &&
      process.kind() != SdeKind::VP)
    throw InputError("sampler.predictor 'ancestral' needs the ve or vp SDE, not " +
                     std::string(to_string(process.kind())));
  // The DDPM steps use √(1 − β_i) and 1 − β_i with β_i up to β_max / N: N ≤ β_max gives NaN.
  const bool ddpm = config.corrector == Corrector::Langevin ||
                    (process.kind() == SdeKind::VP && config.predictor != Predictor::EulerMaruyama);
  if (ddpm && process.has_beta() && !(sde.beta_max < sde.N))
    throw InputError("noise.sde.N must exceed noise.sde.beta_max (" + std::to_string(sde.beta_max) +
                     ") for this sampler's discrete steps, got " + std::to_string(sde.N));
  return std::make_unique<ReverseSdeSampler>(config, sde);
}

}  // namespace scorelab
