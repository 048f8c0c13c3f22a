// The noise-conditional score MLP s_θ(x, level): forward, backward and input tangents by hand.
//
// Legend: N batch, D = 2 input, E embedding width, H hidden width, L = depth (hidden layers).
//   A_0 = [x; emb(level)]                          (D+E) × N
//   Z_l = W_l A_{l−1} + b_l,  A_l = φ(Z_l)           H × N,   l = 1..L
//   h   = W_o A_L + b_o                               D × N   (raw network output)
//   score = c ⊙ h, c = +1/s (ScoreOverSigma) or −1/s (NoisePrediction), per sample.
// Parameters live in ONE contiguous vector, layer by layer [W_1, b_1, …, W_L, b_L, W_o, b_o],
// each W column-major (out × in); gradients and Adam moments use the same layout.
//
// Input tangents (for the 2×2 Jacobian, exact and sliced score matching, the likelihood): with
// k = 0..K−1 directions d_k (D × N), the forward also carries Ȧ_l = φ'(Z_l) ⊙ (W_l Ȧ_{l−1}),
// Ȧ_0 = [d_k; 0], giving J·d_k of the score; the backward differentiates through them too.
#pragma once
#include "core/common/enum_table.h"
#include <Eigen/Core>
#include <array>
#include <string_view>
#include <vector>

#include "core/common/points.h"
#include "core/common/rng.h"
#include "core/nn/activation.h"
#include "core/nn/embedding.h"

namespace scorelab {

// How the raw output h becomes a score; documented once here (SCORE_SPEC §1.4).
enum class OutputScaling {
  ScoreOverSigma,   // score = h / s   (VE: score_sde scale_by_sigma, NCSNv2 technique 3)
  NoisePrediction,  // score = −h / s  (VP / sub-VP: h predicts the noise ε)
};

struct MlpConfig {
  int width = 128;  // H, hidden units per layer
  int depth = 3;    // L, hidden layers (≥ 1)
  Activation activation = Activation::SiLU;
  EmbeddingConfig embedding;
  OutputScaling output = OutputScaling::ScoreOverSigma;
  bool operator==(const MlpConfig&) const = default;

  void validate() const;  // throws InputError naming the field
};

// Per-sample noise conditioning of a batch: both t (VP label) and s (VE σ / score scaling).
template <class S>
struct LevelBatch {
  ValuesT<S> t;  // N, process time in [0, 1]
  ValuesT<S> s;  // N, noise std (> 0)
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
    Vector c;                                         // N, score = c ⊙ h
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

  MlpT(const MlpConfig& config, NoiseEmbedding embedding);

  const MlpConfig& config() const { return cfg_; }
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

 private:
  MlpConfig cfg_;
  NoiseEmbedding emb_;
  std::vector<LayerShape> layers_;
  Index num_params_ = 0;
};

using Mlp = MlpT<float>;

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<OutputScaling> {
  static constexpr std::string_view what = "output scaling";
  static constexpr EnumName<OutputScaling> names[] = {
      {OutputScaling::ScoreOverSigma, "score_over_sigma", "score = h / sigma"},
      {OutputScaling::NoisePrediction, "noise_prediction", "noise prediction"},
  };
};

}  // namespace scorelab
