#include "core/nn/activation.h"

#include <cassert>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace scorelab {

template <class S>
void activation_forward(Activation act, const Eigen::Ref<const Eigen::Matrix<S, Eigen::Dynamic, 1>>& b,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& Z,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& A,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>* D,
                        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>* DD) {
  const Eigen::Index n = Z.cols();
  A.resize(Z.rows(), n);
  if (D) D->resize(Z.rows(), n);
  if (DD) DD->resize(Z.rows(), n);
  assert(!DD || D);  // φ'' is only wanted together with φ'
  // One column at a time keeps the working set in L1. Each line is one vectorised Eigen loop over
  // the H rows; the A column doubles as scratch so no temporary is allocated.
  for (Eigen::Index j = 0; j < n; ++j) {
    auto z = Z.col(j).array();
    z += b.array();
    auto a = A.col(j).array();
    switch (act) {
      case Activation::SiLU: {
        // σ = 1/(1+e^{−z}); φ = zσ; φ' = σ(1 + z(1−σ)); φ'' = σ(1−σ)(2 + z(1−2σ)).
        a = (S(1) + (-z).exp()).inverse();  // σ, for now
        if (DD) DD->col(j).array() = a * (S(1) - a) * (S(2) + z * (S(1) - S(2) * a));
        if (D) D->col(j).array() = a * (S(1) + z * (S(1) - a));
        a *= z;
        break;
      }
      case Activation::Softplus: {
        // Stable: ln(1+e^z) = max(z,0) + ln(1+e^{−|z|}); φ' = σ(z); φ'' = σ(1−σ).
        a = (-z.abs()).exp();  // e = e^{−|z|}, for now
        if (D) {
          auto d = D->col(j).array();
          d = (z >= S(0)).select((S(1) + a).inverse(), a / (S(1) + a));
          if (DD) DD->col(j).array() = d * (S(1) - d);
        }
        a = z.max(S(0)) + (S(1) + a).log();
        break;
      }
      case Activation::ReLU: {
        if (D) D->col(j).array() = (z > S(0)).template cast<S>();
        if (DD) DD->col(j).setZero();
        a = z.max(S(0));
        break;
      }
    }
  }
}

template <class S>
void activation_reference(Activation act, S z, S& a, S& d, S& dd) {
  switch (act) {
    case Activation::SiLU: {
      const S s = S(1) / (S(1) + std::exp(-z));
      a = z * s;
      d = s * (S(1) + z * (S(1) - s));
      dd = s * (S(1) - s) * (S(2) + z * (S(1) - S(2) * s));
      return;
    }
    case Activation::Softplus: {
      a = std::log1p(std::exp(z));
      d = S(1) / (S(1) + std::exp(-z));
      dd = d * (S(1) - d);
      return;
    }
    case Activation::ReLU: {
      a = z > 0 ? z : S(0);
      d = z > 0 ? S(1) : S(0);
      dd = S(0);
      return;
    }
  }
}

#define SCORELAB_INSTANTIATE(S)                                                                  \
  template void activation_forward<S>(                                                          \
      Activation, const Eigen::Ref<const Eigen::Matrix<S, Eigen::Dynamic, 1>>&,                                    \
      Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>&,                                         \
      Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>&,                                         \
      Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>*,                                         \
      Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>*);                                        \
  template void activation_reference<S>(Activation, S, S&, S&, S&);
SCORELAB_INSTANTIATE(float)
SCORELAB_INSTANTIATE(double)
#undef SCORELAB_INSTANTIATE

}  // namespace scorelab
