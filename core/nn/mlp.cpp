#include "core/nn/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace scorelab {

void MlpConfig::validate() const {
  require_in_range("model.width", width, 1, 4096);
  require_in_range("model.depth", depth, 1, 64);
  require_in_range("model.sigma_data", sigma_data, 1e-3, 1e3);
  require_in_range("model.classes", classes, 0, kMaxClasses);
  embedding.validate();
}

namespace {

// The skip far field's window (mlp.h FarField): the noise radius |z| ≤ 4 that training inputs
// stay within (P(|z| > 4) = e⁻⁸ for 2-D z) and the ratio r_1 / r_0 of the step's ends, above √2
// so that no training input is shut off; a wider step lets h extrapolate over a longer stretch.
constexpr double kWindowNoise = 4.0;
constexpr double kWindowRatio = 1.5;

// w(|v|) and dw/d|v| for the window with inner radius r0 (v units).
template <class S>
void window_weight(S r, S r0, S& w, S& dw) {
  const S span = r0 * S(kWindowRatio - 1);
  const S q = std::clamp((r - r0) / span, S(0), S(1));
  w = 1 - q * q * q * (10 + q * (6 * q - 15));
  dw = -30 * q * q * (1 - q) * (1 - q) / span;
}

}  // namespace

template <class S>
MlpT<S>::MlpT(const MlpConfig& config, NoiseEmbedding embedding, std::optional<DataReach> reach)
    : cfg_(config), emb_(std::move(embedding)) {
  cfg_.validate();
  if (reach && cfg_.output == OutputScaling::Preconditioned && cfg_.far_field == FarField::Skip) {
    if (!reach->center.allFinite() || !std::isfinite(reach->radius) || reach->radius < 0)
      throw InputError("model: the data's reach must be finite with a radius ≥ 0");
    reach_ = reach;
  }
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
  class_offset_ = num_params_;
  if (cfg_.classes > 0) num_params_ += Index(cfg_.width) * (cfg_.classes + 1);
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
Eigen::Map<const typename MlpT<S>::Matrix> MlpT<S>::class_embedding(const Vector& p) const {
  assert(cfg_.classes > 0);
  return Eigen::Map<const Matrix>(p.data() + class_offset_, cfg_.width, cfg_.classes + 1);
}

namespace {

// The column of C for each sample: its label, K for ∅ (kNoLabel) or when no labels are given.
template <class S>
void class_columns(const LevelBatch<S>& level, Index n, int K, Eigen::VectorXi& column) {
  assert(level.label.size() == 0 || level.label.size() == n);
  if (level.label.size() == 0) {
    column.setConstant(n, K);
    return;
  }
  column = level.label;
  for (Index i = 0; i < n; ++i) {
    assert(column[i] == kNoLabel || (column[i] >= 0 && column[i] < K));
    if (column[i] == kNoLabel) column[i] = K;
  }
}

}  // namespace

template <class S>
std::optional<typename MlpT<S>::Window> MlpT<S>::window_at(double m, double s) const {
  if (!reach_) return std::nullopt;
  const double inner = std::hypot(m * reach_->radius, kWindowNoise * s);
  return Window{m * reach_->center, inner, kWindowRatio * inner};
}

template <class S>
void MlpT<S>::init_params(Vector& params, Rng& rng) const {
  params.resize(num_params_);
  for (const LayerShape& L : layers_) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(L.in));
    for (Index i = L.w_offset; i < L.b_offset + L.out; ++i)
      params[i] = static_cast<S>(bound * (2.0 * rng.uniform() - 1.0));
  }
  // C is W_1's block for the one-hot label input: the same bound as W_1.
  const double bound = 1.0 / std::sqrt(static_cast<double>(layers_[0].in + cfg_.classes + 1));
  for (Index i = class_offset_; i < num_params_; ++i)
    params[i] = static_cast<S>(bound * (2.0 * rng.uniform() - 1.0));
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
  const bool vel = cfg_.output == OutputScaling::Velocity;
  if (pre) {
    const S sd2 = static_cast<S>(cfg_.sigma_data * cfg_.sigma_data);
    ctx.sigma_hat = level.s.array() / level.m.array();
    ctx.c = (level.m.array() * (ctx.sigma_hat.array().square() + sd2).sqrt()).inverse().matrix();
    ctx.a = -ctx.c.array().square();
  } else if (vel) {
    ctx.a = -level.s.cwiseInverse();
    ctx.c = ctx.a.cwiseProduct(level.m);
  } else {
    ctx.c = level.s.cwiseInverse();
    if (cfg_.output == OutputScaling::NoisePrediction) ctx.c = -ctx.c;
  }

  // A_0 = [c_in ⊙ (x − m μ); emb]  (μ = 0 without the skip far field)   (D+E) × N
  const bool skip = reach_.has_value();
  ctx.A0.resize(2 + emb_.width(), n);
  ctx.A0.topRows(2) = x;
  if (skip) {
    ctx.A0.row(0) -= static_cast<S>(reach_->center.x()) * level.m.transpose();
    ctx.A0.row(1) -= static_cast<S>(reach_->center.y()) * level.m.transpose();
  }
  if (pre) ctx.A0.topRows(2).array().rowwise() *= ctx.c.transpose().array();
  emb_.embed(level.t, pre ? ctx.sigma_hat : level.s, ctx.A0, 2);
  // Tangent directions as the first layer sees them: c_in ⊙ d_k.
  for (int k = 0; k < tangents; ++k) {
    ctx.dirs[k] = *dirs[k];
    if (pre) ctx.dirs[k].array().rowwise() *= ctx.c.transpose().array();
  }
  // The far-field window w(|v|), v = c_in (x − m μ) (mlp.h FarField), and ∇_x w = c_in w' v̂.
  if (skip) {
    ctx.w.resize(n);
    ctx.grad_w.resize(2, n);
    const S sd2 = static_cast<S>(cfg_.sigma_data * cfg_.sigma_data);
    const S R = static_cast<S>(reach_->radius), noise = static_cast<S>(kWindowNoise);
    for (Index i = 0; i < n; ++i) {
      const S sh = ctx.sigma_hat[i];
      const S r0 = std::sqrt((R * R + noise * noise * sh * sh) / (sh * sh + sd2));
      const auto v = ctx.A0.col(i).template head<2>();
      const S r = v.norm();
      S dw;
      window_weight(r, r0, ctx.w[i], dw);
      if (dw != 0)
        ctx.grad_w.col(i) = (dw * ctx.c[i] / r) * v;  // r > r0 > 0 here
      else
        ctx.grad_w.col(i).setZero();
    }
  }

  // Hidden layers: Z = W A_prev (GEMM), then bias + activation fused.    H × N
  const Matrix* prev = &ctx.A0;
  for (int l = 0; l < L; ++l) {
    const auto W = weight(params, l);
    ctx.Z.noalias() = W * *prev;
    if (l == 0 && cfg_.classes > 0) {  // Z_1 += C e_y
      class_columns(level, n, cfg_.classes, ctx.column);
      const auto C = class_embedding(params);
      for (Index i = 0; i < n; ++i) ctx.Z.col(i) += C.col(ctx.column[i]);
    }
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

  // Output: score = c ⊙ h + a ⊙ x with h = W_o A_L + b_o; tangents J d_k = c ⊙ ḣ_k + a ⊙ d_k
  // with ḣ_k = W_o Ȧ_L. Skip far field: h → w ⊙ h, so ḣ_k → w ⊙ ḣ_k + (∇_x w · d_k) h, and
  // x → x − m μ in the skip term.                                                    D × N
  const auto Wo = weight(params, L);
  ctx.score.noalias() = Wo * ctx.A[L - 1];
  ctx.score.colwise() += bias(params, L);
  if (skip || vel) ctx.h = ctx.score;
  if (skip) ctx.score.array().rowwise() *= ctx.w.transpose().array();
  ctx.score.array().rowwise() *= ctx.c.transpose().array();
  if (pre || vel) ctx.score.array() += x.array().rowwise() * ctx.a.transpose().array();
  if (skip) {
    const auto am = (ctx.a.array() * level.m.array()).transpose();
    ctx.score.row(0).array() -= static_cast<S>(reach_->center.x()) * am;
    ctx.score.row(1).array() -= static_cast<S>(reach_->center.y()) * am;
  }
  for (int k = 0; k < tangents; ++k) {
    ctx.score_t[k].noalias() = Wo * ctx.At[L - 1][k];
    if (skip) {
      ctx.w_dot[k] = (ctx.grad_w.array() * dirs[k]->array()).colwise().sum().transpose();
      ctx.score_t[k].array().rowwise() *= ctx.w.transpose().array();
      ctx.score_t[k].array() += ctx.h.array().rowwise() * ctx.w_dot[k].transpose().array();
    }
    ctx.score_t[k].array().rowwise() *= ctx.c.transpose().array();
    if (pre || vel)
      ctx.score_t[k].array() += dirs[k]->array().rowwise() * ctx.a.transpose().array();
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
  // Skip far field: score = c w h, J d_k = c (w ḣ_k + (∇w · d_k) h), so
  // ∂L/∂h = c (w ∂L/∂score + Σ_k (∇w · d_k) ∂L/∂(J d_k)) and ∂L/∂ḣ_k = c w ∂L/∂(J d_k).
  if (reach_) {
    ctx.gh.array().rowwise() *= ctx.w.transpose().array();
    for (int k = 0; k < K; ++k) {
      ctx.gh.array() += ctx.gh_t[k].array().rowwise() * ctx.w_dot[k].transpose().array();
      ctx.gh_t[k].array().rowwise() *= ctx.w.transpose().array();
    }
  }
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
    if (l == 0 && cfg_.classes > 0) {  // ∂L/∂C e_y = ∂L/∂Z_1, per sample
      Eigen::Map<Matrix> dC(grad.data() + class_offset_, cfg_.width, cfg_.classes + 1);
      for (Index i = 0; i < ctx.n; ++i) dC.col(ctx.column[i]) += ctx.G.col(i);
    }
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
    if (cfg_.output == OutputScaling::Velocity) {
      skip = S(-1) / level.s[i];
      c = skip * level.m[i];
    }
    if (pre) {
      c = c_in = S(1) / (level.m[i] * std::sqrt(sigma_hat * sigma_hat +
                                                 static_cast<S>(cfg_.sigma_data * cfg_.sigma_data)));
      skip = -c * c_in;
    }
    // Skip far field: x taken from the centre m μ, and the window on |v|, v = c_in (x − m μ).
    Eigen::Matrix<S, 2, 1> xc = x.col(i);
    S w = 1;
    if (reach_) {
      xc -= level.m[i] * reach_->center.template cast<S>();
      const S sd = static_cast<S>(cfg_.sigma_data);
      const S R = static_cast<S>(reach_->radius), k = static_cast<S>(kWindowNoise);
      const S r0 = std::sqrt(R * R + k * k * sigma_hat * sigma_hat) /
                   std::sqrt(sigma_hat * sigma_hat + sd * sd);
      S dw;
      window_weight((c_in * xc).norm(), r0, w, dw);
    }
    Matrix a(2 + emb_.width(), 1);
    a(0, 0) = c_in * xc(0), a(1, 0) = c_in * xc(1);
    const ValuesT<S> t = level.t.segment(i, 1);
    const ValuesT<S> s = ValuesT<S>::Constant(1, pre ? sigma_hat : level.s[i]);
    emb_.embed(t, s, a, 2);
    const bool no_label = level.label.size() == 0 || level.label[i] == kNoLabel;
    const int column = no_label ? cfg_.classes : level.label[i];
    for (int l = 0; l <= cfg_.depth; ++l) {
      const auto W = weight(params, l);
      const auto b = bias(params, l);
      Vector z = Vector::Zero(W.rows());
      for (Index r = 0; r < W.rows(); ++r) {
        for (Index c = 0; c < W.cols(); ++c) z[r] += W(r, c) * a(c, 0);
        z[r] += b[r];
        if (l == 0 && cfg_.classes > 0) z[r] += class_embedding(params)(r, column);
      }
      if (l == cfg_.depth) {
        out.col(i) = c * w * z + skip * xc;
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
