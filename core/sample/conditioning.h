// Controllable generation (SCORE_SPEC §5): sampling the data conditioned on an observation.
//
//   Imputation   fix one coordinate, x_c = value. Three methods:
//                exact        the exact conditional score ∇ₓ log p_t(x | x_c = value). For mixture
//                             data p_0(x | x_c) is again a mixture (the observation posterior below
//                             with noise → 0), so this is the guidance below with that posterior;
//                             the default, and the picture the exact panel shows.
//                replacement  score_sde's inpainter (get_pc_inpainter): the reverse-SDE sampler
//                             replaces the known coordinate by a fresh draw of its noisy marginal
//                             m(t)·value + s(t)·z after every corrector and predictor update. An
//                             APPROXIMATION: the unknown part never sees the exact p(x_u | x_k),
//                             so mode weights come out wrong (README: its measured bias). Needs
//                             no mixture.
//                smc          sequential Monte Carlo on the line x_c = value, run by annealed
//                             Langevin (core/sample/line_smc.h): Langevin moves of the unknown
//                             coordinate, importance weights from the score's heat equation,
//                             resampling. Right with ANY score that has a divergence (the learned
//                             one included) and needs no mixture.
//   Observation  y = H x + N(0, noise² I) with H picking x₁, x₂ or both: the score gets the exact
//                ∇ₓ log p_t(y | x_t) (SDEjax get_pc_conditional_sampler, with the classifier in
//                closed form). For mixture data the posterior p_0(x | y) is again a mixture, and
//                p_t(y | x_t) = p_t(x_t | y) p(y) / p_t(x_t), so the gradient is the difference of
//                two exact mixture scores. Its scale multiplies it.
//   Class        class guidance toward mixture component k (SCORE_SPEC §9.5), one formula with
//                two sources of the class term s(x, t, k) − s(x, t, ∅) = ∇ₓ log p_t(k | x):
//                  s̃ = s(x, t, ∅) + γ (s(x, t, k) − s(x, t, ∅))
//                classifier       the exact classifier: ∇ₓ log r_k(x_t, t), r_k the exact
//                                 noise-conditional responsibility of component k, added to
//                                 whatever score the sampler follows (exact or learned).
//                classifier_free  the model's own class term (Ho & Salimans 2022): a
//                                 class-conditional model answers s(x, t, k) and s(x, t, ∅)
//                                 (ScoreModel::class_score; a network trained with label
//                                 dropout, core/nn/mlp.h). With the exact score (whose classes
//                                 are the components) the two are the same field.
//                γ is `scale`, the guidance weight on the class term: γ = 1 follows s(x, t, k),
//                which samples component k itself when s is exact; γ > 1 sharpens past it. The
//                window's w slider is this γ; Ho & Salimans write the same field with
//                w_HS = γ − 1, s̃ = (1 + w_HS) s(x, k) − w_HS s(x, ∅).
// Guidance adds to whatever score the sampler follows (exact or learned): the total is
// s(x, t) + scale · ∇ₓ log p_t(y | x). It needs mixture data (the exact classifier); imputation
// needs nothing but the SDE's kernel. Units: values and noise in data units; the scale is
// dimensionless.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/common/enum_table.h"
#include "core/common/param_editor.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/score/score_model.h"

namespace scorelab {

// Observed values must lie within ±this many data units of the origin (the datasets live within
// about ±20); beyond it an observation is refused as outside the world.
inline constexpr double kObservationLimit = 1000.0;
inline constexpr double kImputationNoise = 1e-3;  // relative, see posterior_components

struct Conditioning {
  enum class Kind { None, Imputation, Observation, Class } kind = Kind::None;
  enum class Imputer { Exact, Replacement, Smc } imputer = Imputer::Exact;  // Imputation's method
  enum class Observe { X1, X2, Both } observe = Observe::X1;  // which coordinates are seen
  // Class: where the class term comes from (see above).
  enum class Guidance { Classifier, ClassifierFree } guidance = Guidance::Classifier;
  double x1 = 0.0, x2 = 0.0;  // the observed value(s), data units, |v| ≤ kObservationLimit
  double noise = 0.1;         // Observation: the observation noise std, data units, (0, 100]
  int component = 0;          // Class: the mixture component k (0-based), < K
  double scale = 1.0;         // Observation / Class: guidance scale γ, [0, 100] (exact imputation: 1)
  bool operator==(const Conditioning&) const = default;

  // Followed through a GuidedScore (observation, class, exact imputation), which needs mixture
  // data; replacement imputation is done by the reverse-SDE sampler itself.
  bool guides() const {
    return kind == Kind::Observation || kind == Kind::Class ||
           (kind == Kind::Imputation && imputer == Imputer::Exact);
  }
  bool replaces() const { return kind == Kind::Imputation && imputer == Imputer::Replacement; }
  // Sequential Monte Carlo imputation, done by the annealed Langevin sampler itself.
  bool weighs() const { return kind == Kind::Imputation && imputer == Imputer::Smc; }
  // Throws InputError naming "sampler.condition.<field>" and its range. Imputation of both
  // coordinates is refused (nothing would be left to sample).
  void validate() const;
  // validate(), and refuses the methods a sampler must run itself (SMC: annealed Langevin;
  // replacement: the reverse SDE), naming the sampler that can: for the kinds whose particles
  // follow a (guided) score and nothing else (the probability-flow ODE, DDIM).
  void validate_guidance_only() const;
};

// The scene file's fields ("sampler.condition"), for the scene reader and writer.
template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, Conditioning> {
  v("kind", c.kind);
  v("method", c.imputer);
  v("observe", c.observe);
  v("x1", c.x1);
  v("x2", c.x2);
  v("noise", c.noise);
  v("component", c.component);
  v("scale", c.scale);
  v("guidance", c.guidance);
}

// Its widgets: kind, imputation method, observed coordinates, noise, scale (a click in the plot
// sets the values). Imputation of both coordinates is turned into imputation of x1.
bool edit(ParamEditor& e, Conditioning& c);

// What a guided panel's title says its score adds ("classifier-free guidance w = 3"), for a
// base score that is exact or learned; "" without guidance. The window's captions.
std::string guidance_words(const Conditioning& c, bool learned);

// The score plus the guidance term, for Observation, Class and exact imputation; `base` must
// outlive it. `data` is the mixture the classifier is exact for (the scene's data). Throws
// InputError for a component index ≥ K, an invalid conditioning, or classifier-free guidance of
// a base without the data's classes (ScoreModel::classes).
class GuidedScore final : public ScoreModel {
 public:
  GuidedScore(const ScoreModel& base, const std::vector<GaussianComponent>& data,
              const Conditioning& condition);

  // s(x) + scale · ∇ₓ log p_t(y | x); classifier-free: s(x, ∅) + γ (s(x, k) − s(x, ∅)).
  void score(const Points& x, const NoiseLevel& level, Points& out) const override;

  // The data conditioned on the observation (Observation) or the chosen component (Class), as
  // a mixture: the exact target a guided sampler with the exact score and scale 1 reproduces.
  const GaussianMixture& target() const { return target_; }

 private:
  // scale · ∇ₓ log p_t(y | x) alone (2 × N), given the base's score at x.
  void guidance(const Points& x, const NoiseLevel& level, const Points& base_score,
                Points& out) const;

  const ScoreModel& base_;
  GaussianMixture prior_, target_;
  double scale_;
  int component_ = -1;           // classifier-free: the class k
  bool classifier_free_ = false;  // the class term from base_ itself
};

// The exact target of a condition, as a mixture, whatever method samples it: the chosen component
// (class), the posterior (observation), the exact conditional p(x | x_c = value) (imputation, by
// either method). Throws InputError for a component index ≥ K or an impossible observation.
GaussianMixture conditional_target(const std::vector<GaussianComponent>& data,
                                   const Conditioning& condition);

// How much guided samples are sharpened past a class conditional: their spread against the exact
// class conditional's at the same level, N(m μ_k, m² Σ_k + s² I). spread = E‖x − x̄‖² (the trace
// of the sample covariance, data units²); ratio = spread / exact_spread: 1 for samples of the class
// conditional itself, below 1 sharpened (guidance weight γ > 1), above 1 wider. offset = ‖x̄ − m μ_k‖.
struct Sharpening {
  double spread = 0, exact_spread = 0, ratio = 0, offset = 0;
};
Sharpening measure_sharpening(const GaussianComponent& target, const NoiseLevel& level,
                              const Points& x);

// The posterior mixture p_0(x | y) for y = H x + N(0, noise² I) (Kalman update per component;
// weights ∝ π_k N(y; H μ_k, H Σ_k Hᵀ + noise² I)). Throws InputError if every weight underflows.
// For exact imputation (x_c = value with no noise) the noise is kImputationNoise × the smallest
// component std along x_c: the posterior's variance along x_c is then 1e-6 of that component's,
// which keeps its covariance positive definite and is far below any level a sampler ends at.
std::vector<GaussianComponent> posterior_components(const std::vector<GaussianComponent>& data,
                                                    const Conditioning& condition);

template <>
struct EnumTable<Conditioning::Kind> {
  static constexpr std::string_view what = "condition kind";
  static constexpr EnumName<Conditioning::Kind> names[] = {
      {Conditioning::Kind::None, "none", "none"},
      {Conditioning::Kind::Imputation, "imputation", "imputation (fix a coordinate)"},
      {Conditioning::Kind::Observation, "observation", "noisy observation (posterior)"},
      {Conditioning::Kind::Class, "class", "class guidance (one component)"},
  };
};

template <>
struct EnumTable<Conditioning::Imputer> {
  static constexpr std::string_view what = "imputation method";
  static constexpr EnumName<Conditioning::Imputer> names[] = {
      {Conditioning::Imputer::Exact, "exact", "exact conditional score"},
      {Conditioning::Imputer::Replacement, "replacement", "replacement (approximate)"},
      {Conditioning::Imputer::Smc, "smc", "sequential Monte Carlo (any score)"},
  };
};

template <>
struct EnumTable<Conditioning::Guidance> {
  static constexpr std::string_view what = "class guidance";
  static constexpr EnumName<Conditioning::Guidance> names[] = {
      {Conditioning::Guidance::Classifier, "classifier", "classifier (exact)"},
      {Conditioning::Guidance::ClassifierFree, "classifier_free", "classifier-free (the model's)"},
  };
};

template <>
struct EnumTable<Conditioning::Observe> {
  static constexpr std::string_view what = "observed coordinates";
  static constexpr EnumName<Conditioning::Observe> names[] = {
      {Conditioning::Observe::X1, "x1", "x1"},
      {Conditioning::Observe::X2, "x2", "x2"},
      {Conditioning::Observe::Both, "both", "x1 and x2"},
  };
};

}  // namespace scorelab
