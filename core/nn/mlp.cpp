#include "core/nn/mlp.h"

#include <cassert>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace scorelab {

void MlpConfig::validate() const {
  require_in_range("model.width", width, 1, 4096);
  require_in_range("model.depth", depth, 1, 64);
  require_in_range("model.sigma_data", sigma_data, 1e-3, 1e3);
  embedding.validate();
}

template <class S>
MlpT<S>::MlpT(const MlpConfig& config, NoiseEmbedding embedding)
    : cfg_(config), emb_(std::move(embedding)) {
  cfg_.validate();
  if (emb_.width() != cfg_.embedding.width)
    throw InputError("model: the embedding has width " + std::to_string(emb_.width()) +
                     " but the configuration says " + std::to_string(cfg_.embedding.width));
  Index in = 2 + cfg_.embedding.width;
  for (int l = 0; l <= cfg_.depth; ++l) {
    const Index out = l < cfg_.depth ? cfg_.width : 2;
    layers_.push_back({in, out, num_params_, num_params_ + in * out});
    num_params_ += in * out + out;
    in = out;
  }
}

template <class S>
Eigen::Map<const typename MlpT<S>::Matrix> MlpT<S>::weight(const Vector& p, int l) const {
  const LayerShape& L = layers_[l];
  return Eigen::Map<const Matrix>(p.data() + L.w_offset, L.out, L.in);
}

template <class S>
Eigen::Map<const typename MlpT<S>::Vector> MlpT<S>::bias(const Vector& p, int l) const {
  const LayerShape& L = layers_[l];
  return Eigen::Map<const Vector>(p.data() + L.b_offset, L.out);
}

template <class S>
void MlpT<S>::init_params(Vector& params, Rng& rng) const {
  params.resize(num_params_);
  for (const LayerShape& L : layers_) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(L.in));
    for (Index i = L.w_offset; i < L.b_offset + L.out; ++i)
      params[i] = static_cast<S>(bound * (2.0 * rng.uniform() - 1.0));
  }
}

template <class S>
void MlpT<S>::forward(const Vector& params, const Eigen::Ref<const PointsT<S>>& x,
                      const LevelBatch<S>& level,
                      Context& ctx, int tangents,
                      const std::array<const PointsT<S>*, kMaxTangents>& dirs,
                      bool for_backward) const {
  assert(tangents >= 0 && tangents <= kMaxTangents);
  assert(level.t.size() == x.cols() && level.s.size() == x.cols() && level.m.size() == x.cols());
  const Index n = x.cols();
  const int L = cfg_.depth;
  ctx.n = n;
  ctx.tangents = tangents;
  ctx.A.resize(L), ctx.D.resize(L), ctx.DD.resize(L), ctx.Zt.resize(L), ctx.At.resize(L);

  // Output coefficients per sample (OutputScaling): score = c ⊙ h + a ⊙ x.
  const bool pre = cfg_.output == OutputScaling::Preconditioned;
  if (pre) {
    const S sd2 = static_cast<S>(cfg_.sigma_data * cfg_.sigma_data);
    ctx.sigma_hat = level.s.array() / level.m.array();
    ctx.c = (level.m.array() * (ctx.sigma_hat.array().square() + sd2).sqrt()).inverse().matrix();
    ctx.a = -ctx.c.array().square();
  } else {
    ctx.c = level.s.cwiseInverse();
    if (cfg_.output == OutputScaling::NoisePrediction) ctx.c = -ctx.c;
  }

  // A_0 = [c_in ⊙ x; emb]                                                 (D+E) × N
  ctx.A0.resize(2 + emb_.width(), n);
  ctx.A0.topRows(2) = x;
  if (pre) ctx.A0.topRows(2).array().rowwise() *= ctx.c.transpose().array();
  emb_.embed(level.t, pre ? ctx.sigma_hat : level.s, ctx.A0, 2);
  // Tangent directions as the first layer sees them: c_in ⊙ d_k.
  for (int k = 0; k < tangents; ++k) {
    ctx.dirs[k] = *dirs[k];
    if (pre) ctx.dirs[k].array().rowwise() *= ctx.c.transpose().array();
  }

  // Hidden layers: Z = W A_prev (GEMM), then bias + activation fused.    H × N
  const Matrix* prev = &ctx.A0;
  for (int l = 0; l < L; ++l) {
    const auto W = weight(params, l);
    ctx.Z.noalias() = W * *prev;
    activation_forward<S>(cfg_.activation, bias(params, l), ctx.Z, ctx.A[l],
                          for_backward || tangents > 0 ? &ctx.D[l] : nullptr,
                          tangents > 0 ? &ctx.DD[l] : nullptr);
    for (int k = 0; k < tangents; ++k) {
      // Ż = W Ȧ_prev; the embedding does not depend on x, so Ȧ_0 = [d_k; 0].
      if (l == 0)
        ctx.Zt[l][k].noalias() = W.leftCols(2) * ctx.dirs[k];
      else
        ctx.Zt[l][k].noalias() = W * ctx.At[l - 1][k];
      ctx.At[l][k] = ctx.D[l].cwiseProduct(ctx.Zt[l][k]);
    }
    prev = &ctx.A[l];
  }

  // Output: score = c ⊙ (W_o A_L + b_o) + a ⊙ x; tangents J d_k = c ⊙ (W_o Ȧ_L) + a ⊙ d_k.  D × N
  const auto Wo = weight(params, L);
  ctx.score.noalias() = Wo * ctx.A[L - 1];
  ctx.score.colwise() += bias(params, L);
  ctx.score.array().rowwise() *= ctx.c.transpose().array();
  if (pre) ctx.score.array() += x.array().rowwise() * ctx.a.transpose().array();
  for (int k = 0; k < tangents; ++k) {
    ctx.score_t[k].noalias() = Wo * ctx.At[L - 1][k];
    ctx.score_t[k].array().rowwise() *= ctx.c.transpose().array();
    if (pre) ctx.score_t[k].array() += dirs[k]->array().rowwise() * ctx.a.transpose().array();
  }
}

template <class S>
void MlpT<S>::backward(const Vector& params, Context& ctx, const PointsT<S>& g_score,
                       const std::array<const PointsT<S>*, kMaxTangents>& g_tangent,
                       Vector& grad) const {
  assert(grad.size() == num_params_);
  const int L = cfg_.depth;
  const int K = ctx.tangents;
  auto grad_w = [&](int l) {
    const LayerShape& s = layers_[l];
    return Eigen::Map<Matrix>(grad.data() + s.w_offset, s.out, s.in);
  };
  auto grad_b = [&](int l) {
    const LayerShape& s = layers_[l];
    return Eigen::Map<Vector>(grad.data() + s.b_offset, s.out);
  };

  // Output layer. ∂L/∂h = c ⊙ ∂L/∂score (and the same for each tangent).  D × N
  ctx.gh = g_score.array().rowwise() * ctx.c.transpose().array();
  for (int k = 0; k < K; ++k)
    ctx.gh_t[k] = g_tangent[k]->array().rowwise() * ctx.c.transpose().array();
  {
    auto dW = grad_w(L);
    dW.noalias() += ctx.gh * ctx.A[L - 1].transpose();
    for (int k = 0; k < K; ++k) dW.noalias() += ctx.gh_t[k] * ctx.At[L - 1][k].transpose();
    grad_b(L) += ctx.gh.rowwise().sum();
    const auto Wo = weight(params, L);
    ctx.G.noalias() = Wo.transpose() * ctx.gh;  // ∂L/∂A_L                 H × N
    for (int k = 0; k < K; ++k) ctx.Gt[k].noalias() = Wo.transpose() * ctx.gh_t[k];
  }

  // Hidden layers, last to first. On entry G = ∂L/∂A_l and Gt[k] = ∂L/∂Ȧ_l.
  for (int l = L - 1; l >= 0; --l) {
    // A = φ(Z), Ȧ = φ'(Z) Ż:  ∂L/∂Z = G φ' + Σ_k Gt_k φ'' Ż_k;  ∂L/∂Ż_k = Gt_k φ'.
    ctx.G.array() *= ctx.D[l].array();
    for (int k = 0; k < K; ++k) {
      ctx.G.array() += ctx.Gt[k].array() * ctx.DD[l].array() * ctx.Zt[l][k].array();
      ctx.Gt[k].array() *= ctx.D[l].array();
    }
    auto dW = grad_w(l);
    const Matrix& prev = l == 0 ? ctx.A0 : ctx.A[l - 1];
    dW.noalias() += ctx.G * prev.transpose();
    for (int k = 0; k < K; ++k) {
      if (l == 0)
        dW.leftCols(2).noalias() += ctx.Gt[k] * ctx.dirs[k].transpose();
      else
        dW.noalias() += ctx.Gt[k] * ctx.At[l - 1][k].transpose();
    }
    grad_b(l) += ctx.G.rowwise().sum();
    if (l > 0) {
      const auto W = weight(params, l);
      ctx.Gn.noalias() = W.transpose() * ctx.G;
      std::swap(ctx.G, ctx.Gn);
      for (int k = 0; k < K; ++k) {
        ctx.Gtn[k].noalias() = W.transpose() * ctx.Gt[k];
        std::swap(ctx.Gt[k], ctx.Gtn[k]);
      }
    }
  }
}

template <class S>
void MlpT<S>::jacobian(const Vector& params, const PointsT<S>& x, const LevelBatch<S>& level,
                       Context& ctx, Eigen::Matrix<S, 4, Eigen::Dynamic>& J) const {
  PointsT<S> e1(2, x.cols()), e2(2, x.cols());
  e1.row(0).setOnes(), e1.row(1).setZero();
  e2.row(0).setZero(), e2.row(1).setOnes();
  forward(params, x, level, ctx, 2, {&e1, &e2});
  J.resize(4, x.cols());
  J.template topRows<2>() = ctx.score_t[0];
  J.template bottomRows<2>() = ctx.score_t[1];
}

template <class S>
PointsT<S> MlpT<S>::forward_reference(const Vector& params, const PointsT<S>& x,
                                      const LevelBatch<S>& level) const {
  PointsT<S> out(2, x.cols());
  for (Index i = 0; i < x.cols(); ++i) {
    // Output coefficients (OutputScaling): score = c h + skip x, input c_in x.
    const bool pre = cfg_.output == OutputScaling::Preconditioned;
    const S sigma_hat = level.s[i] / level.m[i];
    S c = S(1) / level.s[i], c_in = 1, skip = 0;
    if (cfg_.output == OutputScaling::NoisePrediction) c = -c;
    if (pre) {
      c = c_in = S(1) / (level.m[i] * std::sqrt(sigma_hat * sigma_hat +
                                                 static_cast<S>(cfg_.sigma_data * cfg_.sigma_data)));
      skip = -c * c_in;
    }
    Matrix a(2 + emb_.width(), 1);
    a(0, 0) = c_in * x(0, i), a(1, 0) = c_in * x(1, i);
    const ValuesT<S> t = level.t.segment(i, 1);
    const ValuesT<S> s = ValuesT<S>::Constant(1, pre ? sigma_hat : level.s[i]);
    emb_.embed(t, s, a, 2);
    for (int l = 0; l <= cfg_.depth; ++l) {
      const auto W = weight(params, l);
      const auto b = bias(params, l);
      Vector z = Vector::Zero(W.rows());
      for (Index r = 0; r < W.rows(); ++r) {
        for (Index c = 0; c < W.cols(); ++c) z[r] += W(r, c) * a(c, 0);
        z[r] += b[r];
      }
      if (l == cfg_.depth) {
        out.col(i) = c * z + skip * x.col(i);
      } else {
        a.resize(z.size(), 1);
        for (Index r = 0; r < z.size(); ++r) {
          S d, dd;
          activation_reference(cfg_.activation, z[r], a(r, 0), d, dd);
        }
      }
    }
  }
  return out;
}

template class MlpT<float>;
template class MlpT<double>;

}  // namespace scorelab
