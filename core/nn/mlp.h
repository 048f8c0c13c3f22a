// The noise-conditional score MLP s_θ(x, level[, class]): forward, backward and input tangents
// by hand.
//
// Legend: N batch, D = 2 input, E embedding width, H hidden width, L = depth (hidden layers),
// K classes (MlpConfig::classes; 0 for an unconditional network).
//   A_0 = [c_in ⊙ x; emb(level)]                   (D+E) × N
//   Z_l = W_l A_{l−1} + b_l,  A_l = φ(Z_l)           H × N,   l = 1..L
//   class-conditional (K > 0): Z_1 += C e_y, C the class embedding (H × (K+1)), e_y the one-hot
//   of the sample's label y ∈ {0..K−1, ∅}, column K being ∅ ("no label"): a learned vector per
//   class, which is the same as concatenating the one-hot to A_0 (C is W_1's block for it).
//   h   = W_o A_L + b_o                               D × N   (raw network output)
//   score = c ⊙ h + a ⊙ x, per sample (c, c_in, a: see OutputScaling).
// With the skip far field (FarField::Skip, preconditioned output, a DataReach given): x is taken
// from the data's centre, x − m μ, and h is replaced by w ⊙ h, w a window that is 1 where the
// network was trained and 0 beyond (see FarField).
// Parameters live in ONE contiguous vector, layer by layer [W_1, b_1, …, W_L, b_L, W_o, b_o, C],
// each W (and C) column-major (out × in); C only when K > 0. Gradients and Adam moments use the
// same layout.
//
// Input tangents (for the 2×2 Jacobian, exact and sliced score matching, the likelihood): with
// k = 0..K−1 directions d_k (D × N), the forward also carries Ȧ_l = φ'(Z_l) ⊙ (W_l Ȧ_{l−1}),
// Ȧ_0 = [d_k; 0], giving J·d_k of the score; the backward differentiates through them too.
// The class embedding does not depend on x: it adds nothing to the tangents.
#pragma once
#include "core/common/enum_table.h"
#include <Eigen/Core>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "core/common/points.h"
#include "core/common/rng.h"
#include "core/nn/activation.h"
#include "core/nn/embedding.h"

namespace scorelab {

// How the raw output h becomes a score; documented once here (SCORE_SPEC §1.4, §3.8).
// Level {t, m, s} of the kernel x = m x_0 + s z; σ̂ = s/m is its VE-equivalent noise std (data
// units) and σ_d = MlpConfig::sigma_data.
enum class OutputScaling {
  ScoreOverSigma,   // score = h / s   (VE: score_sde scale_by_sigma, NCSNv2 technique 3);
                    // c_in = 1, a = 0
  NoisePrediction,  // score = −h / s  (VP / sub-VP: h predicts the noise ε); c_in = 1, a = 0
  // EDM-style (Karras et al. 2022) for any process, written on the score:
  //   c = c_in = 1 / (m √(σ̂² + σ_d²)),  score = c ⊙ (h − c_in x)
  // i.e. the skip term −x / (m² (σ̂² + σ_d²)) is the score of N(0, σ_d²) data under the kernel
  // and h is the rest in units where it stays O(1) at every σ. Unlike h / s, an error in h is
  // not amplified by 1/s at small σ, and h varies little with σ below the data's own scale, so
  // the small levels share what the network learns at larger ones. The embedding sees log σ̂
  // (FourierLogSigma) whatever the process.
  Preconditioned,
  // Velocity prediction on the straight path (rectified flow; SCORE_SPEC §9.3): h is the
  // velocity v = E[z − x_0 | x_t] (data units per unit time) and the score follows from it,
  //   score = −(x + (1 − t) h) / t = c ⊙ h + a ⊙ x,  c = −m/s, a = −1/s  (m = 1 − t, s = t),
  // so c_in = 1 and the embedding sees s = t. Valid only where m + s = 1 (the straight path);
  // LearnedScore refuses other levels. At t = 1 the score is −x whatever h is, and the velocity
  // is h itself (LearnedScore::velocity), finite where the score form is 0/0.
  Velocity,
};

// What the score is far from the data, where the network was never trained (issue 23).
// An MLP's output h grows linearly with its input away from where it was trained. With the
// network's h everywhere, the probability-flow ODE follows that extrapolation: under VP with
// σ_d = 1 its velocity is −½β(t) c h, and where h points back towards the data (as it learned to
// at small σ̂) the flow runs outwards exponentially; log p_T(x(T)) then swamps the answer
// (measured: −5e8 nats two data radii out, where the exact log p is −194).
//   Network  h everywhere: the score far away is whatever the network extrapolates to.
//   Skip     (Preconditioned only) the network's part is windowed to where it was trained, and
//            the score's far field is the skip term alone: the score of N(μ, σ_d² I) data under
//            the kernel, μ the data's mean. With v = c_in (x − m μ), the network part is w ⊙ h,
//              w = 1 for |v| ≤ r_0(σ̂), a C² step 1 − 10q³ + 15q⁴ − 6q⁵ to 0 at r_1 = 1.5 r_0,
//              r_0(σ̂) = √(R² + (4σ̂)²) / √(σ̂² + σ_d²),   q = (|v| − r_0) / (r_1 − r_0),
//            R the data's reach (DataReach). In data units the window at level {m, s} is the
//            disc of radius √((m R)² + (4 s)²) around m μ: the data, plus four noise stds in
//            quadrature. A training input x = m (x_0 + σ̂ z) with |x_0 − μ| ≤ R and |z| ≤ 4 (all
//            but e⁻⁸ of 2-D normal draws) has |v| ≤ (R + 4σ̂)/√(σ̂² + σ_d²) < √2 r_0 < r_1, so
//            the window never shuts the network off where it is trained (draws at the data's
//            edge with noise pointing outwards fall in the step, where w < 1: NLL on ring8 data
//            within the seed-to-seed spread of the network far field, four seeds).
//            The flow of the skip term keeps v fixed, and r_0 does not grow with σ̂ while
//            R ≥ 4σ_d; so a point beyond r_1 at the flow's start stays beyond it to t = 1 and
//            its learned log p is that Gaussian's, exactly.
// The other output scalings have no skip term to fall back to; for them the field is ignored.
enum class FarField { Network, Skip };

// Where the training data lies, fitted from a draw of it (TrainingSession): the skip term's centre
// μ and the largest distance R of a draw from it. Saved with the weights (checkpoints): the
// network's function depends on it.
struct DataReach {
  Eigen::Vector2d center = Eigen::Vector2d::Zero();  // μ, data units
  double radius = 0;                                 // R ≥ 0, data units
  bool operator==(const DataReach&) const = default;
};

struct MlpConfig {
  int width = 128;  // H, hidden units per layer
  int depth = 3;    // L, hidden layers (≥ 1)
  Activation activation = Activation::SiLU;
  // Fourier(log σ̂) with low frequencies (scale 0.2): the embedding changes slowly with σ, so
  // the levels below the data's scale, where h hardly changes, share what is learned above.
  EmbeddingConfig embedding{EmbeddingKind::FourierLogSigma, 32, 0.2};
  OutputScaling output = OutputScaling::Preconditioned;
  double sigma_data = 1.0;  // σ_d, data units, in [1e-3, 1e3]: the data's scale (Preconditioned)
  FarField far_field = FarField::Skip;  // the score far from the data (Preconditioned; see above)
  // K, the classes of a class-conditional network (labels 0..K−1 and ∅), in [0, kMaxClasses];
  // 0 = unconditional. Its classes are the data's mixture components (TrainingSession).
  int classes = 0;
  bool operator==(const MlpConfig&) const = default;

  void validate() const;  // throws InputError naming the field
};

inline constexpr int kMaxClasses = 64;
inline constexpr int kNoLabel = -1;  // the label ∅: the unconditional score of a class network

// Per-sample conditioning of a batch: t (VP label), m and s of the kernel x = m x_0 + s z, and the
// class label of a class-conditional network.
template <class S>
struct LevelBatch {
  ValuesT<S> t;  // N, process time in [0, 1]
  ValuesT<S> m;  // N, mean scale (> 0; 1 for VE)
  ValuesT<S> s;  // N, noise std (> 0), data units
  // N labels in [0, K) or kNoLabel, or empty: every sample ∅. Ignored by an unconditional net.
  Eigen::VectorXi label{};
};

template <class S>
class MlpT {
 public:
  using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
  static constexpr int kMaxTangents = 2;

  // Saved activations of one forward, consumed by backward. Reused across calls: buffers are
  // resized only when N or the number of tangents changes (no allocation per training step).
  struct Context {
    Index n = 0;
    int tangents = 0;
    Matrix A0;                                        // (D+E) × N
    std::vector<Matrix> A, D, DD;                     // L × (H × N): φ(Z), φ'(Z), φ''(Z)
    std::vector<std::array<Matrix, kMaxTangents>> Zt, At;  // L × K × (H × N): Ż, Ȧ
    std::array<PointsT<S>, kMaxTangents> dirs;        // K × (D × N): d_k
    Eigen::VectorXi column;                           // N, column of C per sample (K for ∅)
    Vector c;                                         // N, score = c ⊙ h + a ⊙ x
    Vector a;                                         // N, skip coefficient (Preconditioned)
    Vector w;                                         // N, far-field window w(|v|) (Skip)
    PointsT<S> grad_w;                                // D × N: ∇_x w (Skip)
    std::array<Vector, kMaxTangents> w_dot;           // K × N: ∇_x w · d_k (Skip)
    PointsT<S> h;                                     // D × N: h before the window (Skip),
                                                      // or the velocity (Velocity output)
    ValuesT<S> sigma_hat;                             // N, s/m: the embedding's σ (Preconditioned)
    PointsT<S> score;                                 // D × N
    std::array<PointsT<S>, kMaxTangents> score_t;     // K × (D × N): J·d_k
    Matrix Z, G, Gn;                                  // H × N scratch (pre-activation, backward)
    std::array<Matrix, kMaxTangents> Gt, Gtn;         // H × N scratch (tangent backward)
    PointsT<S> gh;                                    // D × N: ∂L/∂h
    std::array<PointsT<S>, kMaxTangents> gh_t;        // K × (D × N): ∂L/∂ḣ_k
    // Scratch of the objective that drives this context (core/train/objective.cpp).
    PointsT<S> g_score;                               // D × N: ∂L/∂score
    std::array<PointsT<S>, kMaxTangents> g_tangent;   // K × (D × N): ∂L/∂(J d_k)
    std::array<PointsT<S>, kMaxTangents> unit;        // e_x, e_y directions (exact objective)
    Eigen::Array<S, 1, Eigen::Dynamic> loss;          // N: per-sample loss
  };

  // reach: where the data lies, for the skip far field (FarField::Skip with the preconditioned
  // output); without it, or with another configuration, the network's h is used everywhere.
  MlpT(const MlpConfig& config, NoiseEmbedding embedding,
       std::optional<DataReach> reach = std::nullopt);

  const MlpConfig& config() const { return cfg_; }
  // The reach the skip far field uses; empty when the network's h is used everywhere.
  const std::optional<DataReach>& reach() const { return reach_; }
  // The window of the skip far field at level {m, s}, in data units: w = 1 within `inner` of
  // `center`, 0 beyond `outer`. Empty without a skip far field.
  struct Window {
    Eigen::Vector2d center;
    double inner = 0, outer = 0;
  };
  std::optional<Window> window_at(double m, double s) const;
  const NoiseEmbedding& embedding() const { return emb_; }
  Index num_params() const { return num_params_; }

  // PyTorch's nn.Linear default: W, b ~ U(−1/√in, 1/√in).
  void init_params(Vector& params, Rng& rng) const;

  // Forward over the batch. dirs: `tangents` (0..2) direction matrices, or empty. With
  // for_backward = false (inference) the derivatives backward needs are not kept.
  void forward(const Vector& params, const Eigen::Ref<const PointsT<S>>& x,
               const LevelBatch<S>& level,
               Context& ctx, int tangents = 0,
               const std::array<const PointsT<S>*, kMaxTangents>& dirs = {},
               bool for_backward = true) const;

  // grad += ∂L/∂θ given g_score = ∂L/∂score (D × N) and, for each tangent of the forward,
  // g_tangent[k] = ∂L/∂(J d_k) (D × N).
  void backward(const Vector& params, Context& ctx, const PointsT<S>& g_score,
                const std::array<const PointsT<S>*, kMaxTangents>& g_tangent,
                Vector& grad) const;

  // The exact 2×2 input Jacobian of the score per point: J (4 × N), column i holds
  // [∂s_x/∂x, ∂s_y/∂x, ∂s_x/∂y, ∂s_y/∂y] (column-major 2×2).
  void jacobian(const Vector& params, const PointsT<S>& x, const LevelBatch<S>& level,
                Context& ctx, Eigen::Matrix<S, 4, Eigen::Dynamic>& J) const;

  // Plain reference twin of forward (point by point, no fusion), for tests.
  PointsT<S> forward_reference(const Vector& params, const PointsT<S>& x,
                               const LevelBatch<S>& level) const;

  // Views of layer l's parameters (l = 0..L, l = L is the output layer).
  struct LayerShape {
    Index in, out, w_offset, b_offset;
  };
  const std::vector<LayerShape>& layers() const { return layers_; }
  Eigen::Map<const Matrix> weight(const Vector& p, int l) const;
  Eigen::Map<const Vector> bias(const Vector& p, int l) const;
  // The class embedding C (H × (K+1), column K for ∅); only when config().classes > 0.
  Eigen::Map<const Matrix> class_embedding(const Vector& p) const;

 private:
  MlpConfig cfg_;
  NoiseEmbedding emb_;
  std::optional<DataReach> reach_;  // set only when the skip far field is on
  std::vector<LayerShape> layers_;
  Index class_offset_ = 0;  // where C starts in the parameter vector
  Index num_params_ = 0;
};

using Mlp = MlpT<float>;

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<FarField> {
  static constexpr std::string_view what = "far field";
  static constexpr EnumName<FarField> names[] = {
      {FarField::Skip, "skip", "skip (Gaussian beyond the data)"},
      {FarField::Network, "network", "network (extrapolated)"},
  };
};

template <>
struct EnumTable<OutputScaling> {
  static constexpr std::string_view what = "output scaling";
  static constexpr EnumName<OutputScaling> names[] = {
      {OutputScaling::ScoreOverSigma, "score_over_sigma", "score = h / sigma"},
      {OutputScaling::NoisePrediction, "noise_prediction", "noise prediction"},
      {OutputScaling::Preconditioned, "preconditioned", "preconditioned (EDM)"},
      {OutputScaling::Velocity, "velocity", "velocity (straight path)"},
  };
};

}  // namespace scorelab
