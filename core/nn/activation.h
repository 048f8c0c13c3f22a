// Activations of the score MLP, with the fused "bias + activation" pass of the forward.
//
// The forward keeps φ'(Z) (and φ''(Z) when input tangents are propagated) instead of Z, so the
// backward never re-evaluates an exp. All kernels work on H × N column-major blocks.
#pragma once
#include "core/common/enum_table.h"
#include <Eigen/Core>
#include <string_view>

namespace scorelab {

enum class Activation {
  SiLU,      // z·σ(z)            (default; score_sde's "swish")
  Softplus,  // ln(1 + e^z)       (NCSN's toy MLP)
  ReLU,      // max(z, 0)         (φ'' = 0: tangents through it are piecewise linear)
};

// Fused pass over one layer's H × N block, column by column:
//   Z = Z + b (broadcast), A = φ(Z), and D = φ'(Z), DD = φ''(Z) where those are non-null.
// Z holds W·A_prev on entry (the GEMM result) and is left as the pre-activation.
template <class S>
void activation_forward(Activation act, const Eigen::Ref<const Eigen::Matrix<S, Eigen::Dynamic, 1>>& b,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& Z,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& A,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>* D,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>* DD);

// Plain reference twin: φ, φ', φ'' of a single value, straight from the formulas.
template <class S>
void activation_reference(Activation act, S z, S& a, S& d, S& dd);

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<Activation> {
  static constexpr std::string_view what = "activation";
  static constexpr EnumName<Activation> names[] = {
      {Activation::SiLU, "silu", "SiLU"},
      {Activation::Softplus, "softplus", "softplus"},
      {Activation::ReLU, "relu", "ReLU"},
  };
};

}  // namespace scorelab
