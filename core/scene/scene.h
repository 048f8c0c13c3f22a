// The Scene: everything a user sets for one run (data, noise, sampler, seed), and its JSON form.
//
// Scene files are strict JSON. Every key is optional (defaults below); an unknown key, a value of
// the wrong type, a non-finite number (1e400 reads as infinity) or a value out of range is an
// InputError whose message names the full key path ("sampler.snr") and the allowed range or names.
// Ranges are checked by the configs' own validators (SigmaSchedule, SdeParams, make_sampler,
// GaussianMixture), so they live in one place. to_json writes every field: parse_scene(to_json(s))
// == s, which is how the UI saves scenes.
//
// {
//   "seed": 0,              integer in [0, 2^64): every random draw of a run derives from it
//   "particles": 2000,      number of particles sampled, [1, 10^7]
//   "data": {               either a dataset of the table in core/distributions/datasets.h ...
//     "dataset": "ring8",
//     "points": 2000,       size of the seeded draw that turns a sample-only dataset (moons, ...)
//                           into its EmpiricalMixture, [1, 10^5]; mixtures ignore it
//                           ... or a custom mixture instead of "dataset" (K components):
//     "mixture": {"weights": [w_1, ...],                  K numbers ≥ 0, not all 0 (default: all 1)
//                 "means": [[x, y], ...],                 K points, data units (required)
//                 "covariances": [[[a, b], [b, c]], ...]} K symmetric positive definite 2×2
//                                                         matrices (default: identity)
//   },
//   "noise": {
//     "schedule": {"kind": "geometric" | "linear" | "karras", "sigma_min": 0.01,
//                  "sigma_max": "data", "levels": 10, "rho": 7},     (annealed Langevin)
//     "sde": {"kind": "ve" | "vp" | "subvp", "sigma_min": 0.01, "sigma_max": "data",
//             "beta_min": 0.1, "beta_max": 20, "N": 1000}            (reverse SDE, ODE)
//     sigma_max: a number (data units), or "data" (the default): fitted to the data
//     (core/scene/noise_fit.h: the SDE's so that the prior N(0, σ_max² I) stands in for p_T,
//     the schedule's by NCSNv2's largest pairwise distance).
//   },
//   "sampler": {"kind": "reverse_sde", ...the fields of that kind's config in sample/sampler.h}
//     "langevin":          step_size 0.01, steps 1000, sigma 0, init
//     "annealed_langevin": epsilon 1e-3, steps_per_level 100, denoise true, init
//     "reverse_sde":       predictor "euler_maruyama" | "reverse_diffusion" | "ancestral" | "none",
//                          corrector "none" | "langevin", snr 0.16, corrector_steps 1,
//                          eps 1e-5, denoise true
//     "probability_flow":  method "euler" | "heun" | "rk4" | "rk45", steps 100, rtol 1e-5,
//                          atol 1e-5, t_start 1, t_end 1e-5, denoise false
//     "forward_sde":       t_end 1
//     "ddim":              eta 0 (in [0, 1]: 0 deterministic, 1 DDPM's ancestral step),
//                          steps 100, eps 1e-3
//     init (Langevin kinds only): {"kind": "uniform" | "gaussian", "lo": -8, "hi": 8, "std": 1}
//     condition (reverse_sde, probability_flow, ddim, annealed_langevin;
//       core/sample/conditioning.h): controllable
//       generation, {"kind": "none" | "imputation" | "observation" | "class",
//       "method": "exact" | "replacement"  (imputation: the exact conditional score, mixture data
//                                         only; or score_sde's replacement inpainter, approximate),
//       "observe": "x1" | "x2" | "both"  (the observed coordinates; imputation: x1 or x2),
//       "x1": 0, "x2": 0                 (observed values, data units, |v| ≤ 1000),
//       "noise": 0.1                     (observation noise std, data units, (0, 100]),
//       "component": 0                   (class: mixture component index, < K),
//       "scale": 1,                      (observation / class guidance scale γ, [0, 100]; class:
//                                         1 is the class conditional, > 1 sharpens past it)
//       "guidance": "classifier" | "classifier_free"}  (class: the exact classifier's term, or
//                                         the model's own s(x, k) − s(x, ∅), which needs
//                                         "model": {"classes": K})
//       replacement imputation needs reverse_sde; observation, class and exact imputation need
//       mixture data (the classifier is exact), default "none".
//   "model": {              the score network (core/nn/mlp.h); the same defaults for every process
//     "width": 128, "depth": 3, "activation": "silu" | "softplus" | "relu",
//     "embedding": {"kind": "fourier_log_sigma" | "sinusoidal_time", "width": 32,
//                   "fourier_scale": 0.2 (in [1e-3, 1e3]; the recipe before issue 11 used 16)},
//     "output": "preconditioned" (default: score = c (h − c x), c = 1/(m √(σ̂² + σ_d²)))
//               | "score_over_sigma" (h/σ) | "noise_prediction" (−h/σ),
//     "sigma_data": 1       σ_d of "preconditioned" and of the balanced weighting, data units,
//                           [1e-3, 1e3]
//     "far_field": "skip" (default: beyond the data's reach the score is the skip term's, that of
//                  N(data mean, σ_d² I), and the network's part is switched off; core/nn/mlp.h)
//                  | "network" (the network's h everywhere, extrapolated; preconditioned only)
//     "classes": 0          K > 0: a class-conditional network (a learned vector per class and
//                           one for "no label"), K the data's mixture components, [0, 64]
//   },
//   The recipe before issue 11 is "output": "score_over_sigma" with "fourier_scale": 16 (VE) or
//   "noise_prediction" with "embedding": {"kind": "sinusoidal_time"} (VP / sub-VP), and
//   "level_distribution": "uniform_t", "weighting": "sigma2" in "train".
//   "train": {              training (core/train); the noise comes from "noise" above
//     "objective": "denoising" | "sliced" | "sliced_vr" | "exact",
//     "levels": "continuous" (t ~ U(eps, 1) through noise.sde) | "discrete" (noise.schedule),
//     "likelihood_weighting": false, "perturb": true, "eps": 1e-5,
//     "level_distribution": "log_sigma" (log σ̂ uniform, σ̂ = s/m) | "uniform_t" (continuous),
//     "sigma_hat_min": 1e-3 (log_sigma: smallest σ̂ drawn, data units, [1e-6, 1]),
//     "weighting": "balanced" (λ = m s √(σ̂² + σ_d²)) | "sigma2" (λ = s²)   (denoising),
//     "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "adam_eps": 1e-8, "warmup": 0,
//     "grad_clip": 1, "ema_rate": 0.999, "batch": 256, "seed": 0,
//     "label_dropout": 0.15 the chance a class-conditional network trains on "no label", [0, 1]
//     "threads": 0          threads a training step uses, [0, 64]; 0 = auto: every hardware
//                           thread headless, one fewer in the window (at least 1). The weights
//                           do not depend on it (the batch is split into fixed chunks).
//   },
//   "view": {               the window's camera and panels (ViewConfig below)
//     "center_x": 0, "center_y": 0, "half_height": 6.5, "follow_particles": false,
//     "split": false,
//     "left": {"source": "exact", "t": 0.3}, "right": {"source": "learned", "t": 0.3},
//     "multiples": {"on": false, "across": "levels" | "sdes", "count": 4 (levels: [2, 6]),
//                   "t_min": 0, "t_max": 1 (levels: the sweep's ends, each in [0, 1])}
//   },
//   "layers": {             what the window draws, each with its settings
//   (core/scene/layers_config.h)
//     "data": {...}, "density": {...}, "score": {...}, "error": {...}, "noised": {...},
//     "particles": {...}, "axes": {...}
//   },
//   "ui": {...}             window settings: UI scale, training / playing, speed (UiConfig below)
// }
// "data" may also hold a drawn point set instead of "dataset" / "mixture":
//     "point_set": [[x, y], ...]   1 to 10^5 finite points, data units (its EmpiricalMixture)
// Both noise blocks are kept (and checked) whatever the sampler, so switching samplers in the UI
// never meets a stale invalid value.
#pragma once
#include <initializer_list>
#include "core/common/enum_table.h"
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/distributions/gaussian_mixture.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/scene/layers_config.h"
#include "core/sample/sampler_registry.h"
#include "core/train/training_session.h"

namespace scorelab {

inline constexpr int kMaxParticles = 10'000'000;  // upper bound of Scene::particles
inline constexpr int kMaxDataPoints = 100'000;    // upper bound of DataConfig::points
inline constexpr int kMaxNoisedPairs = 400;  // the noised layer draws its pairs for this many

// A custom mixture, components as written (weights not normalised, so they round-trip).
using MixtureComponents = std::vector<GaussianComponent>;

// Points drawn by hand (the window's brush); their exact score is their EmpiricalMixture.
struct PointSet {
  std::vector<Eigen::Vector2d> points;  // data units, finite, 1..kMaxDataPoints of them
  bool operator==(const PointSet&) const = default;
};

struct DataConfig {
  // The data: a dataset name from datasets(), a custom mixture or a drawn point set.
  std::variant<std::string, MixtureComponents, PointSet> source = std::string("ring8");
  int points = 2000;  // draw size that makes a sample-only dataset exact (EmpiricalMixture)
  bool operator==(const DataConfig&) const = default;
};

struct NoiseConfig {
  SigmaSchedule schedule;  // discrete σ levels (annealed Langevin)
  SdeParams sde;           // continuous process (reverse SDE, probability flow)
  // Whether each block's σ_max follows the data (core/scene/noise_fit.h). A scene FILE turns it
  // on unless it gives the block a number ("sigma_max": "data" or no key); a Scene built in code
  // keeps the numbers it was built with. While on, the σ_max above holds the fitted value
  // (fit_noise_to_data), refitted whenever the data changes.
  bool sde_sigma_max_from_data = false;
  bool schedule_sigma_max_from_data = false;
  bool operator==(const NoiseConfig&) const = default;
};

// ---- the window's settings (ignored by the command line) ---------------------------------------

enum class FieldSource {
  Exact,    // the closed-form score of the data (mixture, or empirical mixture of the points)
  Learned,  // the newest trainer snapshot (EMA or raw weights, see UiConfig::use_ema)
};
// One plot panel: what its field layers show.
struct PanelConfig {
  FieldSource source = FieldSource::Exact;
  double t = 0.3;  // the noise level shown: time of noise.sde in [0, 1] (or of the schedule level
                   // nearest to it when ui.discrete_levels)
  // An exact panel's density drawn through the probability-flow ODE (the model-density layer's map
  // of the exact score, when that layer is on) instead of the closed form: beside a closed-form
  // panel it shows the ODE's likelihood is the true one. Learned panels always draw the ODE's.
  bool ode_density = false;
  // The closed-form density drawn unnormalised: log p̃ = log p + log_z, so p̃ = e^log_z · p
  // integrates to Z = e^log_z instead of 1 (lesson 1.4: the score ∇ log p̃ = ∇ log p does not see
  // Z). In nats, [−50, 50]; 0 draws p itself. The density layer's legend says so.
  double log_z = 0;
  bool operator==(const PanelConfig&) const = default;
};

// The most plot panels a view shows (small multiples); arrays of per-panel state have this size.
inline constexpr int kMaxPanels = 6;

// Small multiples: one row (or grid) of panels, one linked camera, one shared colour scale (always,
// whatever layers.density.lock_scale says: comparing the panels is their point). Particles are not
// drawn over them (their levels are not the particles'; see app/state/app_context.h PanelView).
enum class MultiplesAcross {
  Levels,  // `count` panels at t evenly spaced from t_min to t_max (first panel t_min), each the
           // level the level slider would show at that t: noise.sde, or with ui.discrete_levels
           // the nearest σ of noise.schedule; the fields' source is view.left.source
  Sdes,    // three panels, VE, VP and sub-VP (noise.sde's parameters, each its own kind), all at
           // view.left.t with the exact score (a learned model knows only the process it was
           // trained on); count, t_min and t_max are not used
};
struct MultiplesConfig {
  bool on = false;  // replaces the one or two panels (view.split is then not used)
  MultiplesAcross across = MultiplesAcross::Levels;
  int count = 4;        // panels across levels, [2, kMaxPanels]
  double t_min = 0;     // t of the first panel, [0, 1]
  double t_max = 1;     // t of the last panel, [0, 1] (below t_min: a sweep from noise to data)
  bool operator==(const MultiplesConfig&) const = default;
};

struct ViewConfig {
  double center_x = 0, center_y = 0;  // camera centre, data units (finite)
  double half_height = 6.5;  // data units from the centre to the top edge, in [1e-4, 1e6]
  // The camera follows the particles out: while they spread beyond the view (a prior wider than
  // the data: VE's N(0, σ_max² I)), the panels zoom out about the same centre until they show the
  // middle 98% of the particles along each axis; as the run converges the view returns to the
  // camera above (app/view/camera.h shown_view). Never zooms in.
  bool follow_particles = false;
  bool split = false;        // two panels side by side, one camera (linked)
  PanelConfig left;
  PanelConfig right{FieldSource::Learned, 0.3};
  MultiplesConfig multiples;
  bool operator==(const ViewConfig&) const = default;
};

// The smallest half-height a view centred at (center_x, center_y) resolves: positions are 32-bit
// floats (about 7 significant digits), so a view must span at least about a thousand float steps
// at its centre, 6e-5 times the centre's largest coordinate, and never less than 1e-4. (Centred at
// (4, 1000), a half-height of 1e-4 put the particles on 3 lines and every tick read "1000".)
double min_half_height(double center_x, double center_y);

// How many plot panels the view shows: the small multiples' (three across SDEs), else two in split
// view, else one.
int panel_count(const ViewConfig& view);


struct UiConfig {
  double ui_scale = 1;            // panel and font size multiplier (projectors), [0.5, 4]
  bool show_panels = true;        // side panel and status bar (off: the plot only)
  bool show_help = false;         // the shortcut overlay
  bool training = true;           // the trainer runs
  bool playing = true;            // the particles advance
  double steps_per_frame = 2;     // sampler steps per frame, [0.01, 1000] (fractions accumulate)
  FieldSource particle_source = FieldSource::Exact;  // the score the particles follow
  bool use_ema = true;            // learned score: EMA weights (true) or raw weights
  bool follow_sampler = true;     // while the particles run, field layers show their level
  bool discrete_levels = false;   // the level slider walks noise.schedule instead of noise.sde
  // Lecture-hall mode: a large vector font, the side panel cut to the running sampler's controls,
  // high-contrast colours, thicker lines and points (P toggles it).
  bool presenter = false;
  // Presenter mode's side panel (the controls), C toggles it. Hidden by default: in front of a
  // class the plot is the slide (the lesson text runs below it, the status bar stays).
  bool controls = false;
  // Which run of the sampler the particles show: their stream is split from the scene's seed
  // and this index, so Restart (R) increments it and the run round-trips through the file.
  std::uint64_t run = 0;
  // A trained model saved with the session: a checkpoint's file name in the scene file's own
  // folder (no '/'), which the window starts from; "" for fresh weights. Other commands ignore it.
  std::string model_file;
  // The Numbers section of the side panel: particles per mode against the true weights, a 1-D
  // marginal strip and the energy distance to exact samples, all at the particles' level.
  bool numbers = false;
  double marginal_angle = 0;  // the marginal strip's direction, degrees from +x, [-180, 180] (90: y)
  // The training scrubber: -1 shows the live model; a step ≥ 0 shows the trainer's recorded
  // snapshot nearest to it (core/train/training_history.h) in every learned field, the model
  // density and the learned particles (rerun from the same seed), while training may go on.
  // [-1, 2^31 - 1] training steps.
  int scrub_step = -1;
  bool operator==(const UiConfig&) const = default;
};

struct Scene {
  std::uint64_t seed = 0;  // seeds the data draw, the initial particles and all sampler noise
  int particles = 2000;    // particles a run samples, [1, kMaxParticles]
  DataConfig data;
  NoiseConfig noise;
  SamplerConfig sampler = ReverseSdeConfig{};
  // Window only: a second run of `particles` particles from the same starting points (the same
  // draws of the same stream when the two samplers start from the same distribution) with this
  // sampler, following the same score (the scene sampler's guidance included; a condition of its
  // own is refused). A split view draws it in the right panel, its fields at its own level: the
  // probability-flow ODE beside the reverse SDE from one start (lesson 9.2). JSON
  // "compare_sampler", a sampler block; absent or null: none.
  std::optional<SamplerConfig> compare_sampler;
  // Model and training settings; the process they train for is the noise block above:
  // train_config() joins the two.
  TrainSettings train;
  ViewConfig view;      // window only
  LayersConfig layers;  // window only
  UiConfig ui;          // window only

  TrainConfig train_config() const;
  bool operator==(const Scene&) const = default;
};

// Checks the scene's values; parse_scene calls it, a UI calls it after an edit.
void validate(const Scene& scene);

// What a scene field is for, declared once beside its JSON name in the field lists of scene.cpp
// (a field without a role is Content). Undo (app/state/edit_history.h) and lesson steps
// (app/state/lesson_player.h) take their rules from it:
//   Content   what a class looks at (data, noise, sampler, model, layers, levels): each edit is an
//             undo step; a lesson step sets it
//   Camera    where the view looks (view.center_x, center_y, half_height): moved by panning and
//             zooming, never an undo step; a lesson step sets it
//   Playback  what runs (ui.playing, ui.run, ui.training): the keys that start and stop things
//             are not undo steps; a lesson step sets them
//   Display   how the window presents itself to its viewer (ui.ui_scale, show_panels, show_help,
//             presenter, controls): neither an undo step nor changed by a lesson step
enum class FieldRole { Content, Camera, Playback, Display };

// `scene` with its fields of the given roles taken from `from`.
Scene with_fields_of(Scene scene, const Scene& from, std::initializer_list<FieldRole> roles);

Scene parse_scene(const nlohmann::json& json);  // strict; validates
nlohmann::json to_json(const Scene& scene);

// Parses scene text; `name` (a file name) leads every message, parse errors give line and column.
Scene parse_scene_text(std::string_view text, const std::string& name);
// Reads and parses a scene file; InputError names the file (and strerror if it cannot be read).
Scene load_scene(const std::string& path);

// The built-in default scene (8-Gaussian ring, reverse-SDE predictor–corrector), identical to
// assets/scenes/default.json, so the binary runs from anywhere.
std::string_view default_scene_json();

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<FieldSource> {
  static constexpr std::string_view what = "field source";
  static constexpr EnumName<FieldSource> names[] = {
      {FieldSource::Exact, "exact", "exact score"},
      {FieldSource::Learned, "learned", "learned score"},
  };
};

template <>
struct EnumTable<MultiplesAcross> {
  static constexpr std::string_view what = "multiples across";
  static constexpr EnumName<MultiplesAcross> names[] = {
      {MultiplesAcross::Levels, "levels", "noise levels"},
      {MultiplesAcross::Sdes, "sdes", "VE / VP / sub-VP"},
  };
};

}  // namespace scorelab
