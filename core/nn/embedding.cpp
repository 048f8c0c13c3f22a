#include "core/nn/embedding.h"

#include <cmath>
#include <numbers>
#include <string>
#include <type_traits>

#include "core/common/error.h"

namespace scorelab {

void EmbeddingConfig::validate() const {
  require_in_range("model.embedding.width", width, 2, 1024);
  if (width % 2 != 0)
    throw InputError("model.embedding.width must be even, got " + std::to_string(width));
  require_in_range("model.embedding.fourier_scale", fourier_scale, 1e-3, 1e3);
}

NoiseEmbedding::NoiseEmbedding(const EmbeddingConfig& config, Rng& rng) : cfg_(config) {
  cfg_.validate();
  const int half = cfg_.width / 2;
  freq_.resize(static_cast<std::size_t>(half));
  for (int k = 0; k < half; ++k) {
    if (cfg_.kind == EmbeddingKind::FourierLogSigma) {
      freq_[k] = 2.0 * std::numbers::pi * cfg_.fourier_scale * rng.normal();
    } else {
      const double step = half > 1 ? std::log(10000.0) / (half - 1) : 0.0;
      freq_[k] = 999.0 * std::exp(-step * k);  // label = 999·t folded into the frequency
    }
  }
  cache_frequencies();
}

void NoiseEmbedding::cache_frequencies() {
  freq_d_ = Eigen::Map<const Eigen::ArrayXd>(freq_.data(), static_cast<Index>(freq_.size()));
  freq_f_ = freq_d_.cast<float>();
}

NoiseEmbedding::NoiseEmbedding(const EmbeddingConfig& config, std::vector<double> frequencies)
    : cfg_(config), freq_(std::move(frequencies)) {
  cfg_.validate();
  if (static_cast<int>(freq_.size()) != cfg_.width / 2)
    throw InputError("embedding: expected " + std::to_string(cfg_.width / 2) + " frequencies, got " +
                     std::to_string(freq_.size()));
  cache_frequencies();
}

template <class S>
void NoiseEmbedding::embed(const ValuesT<S>& t, const ValuesT<S>& s,
                           Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& out,
                           Index row0) const {
  const Index half = static_cast<Index>(freq_.size());
  const Eigen::Array<S, Eigen::Dynamic, 1>& f = [&]() -> const auto& {
    if constexpr (std::is_same_v<S, float>) return freq_f_;
    else return freq_d_;
  }();
  // Column by column into an aligned stack buffer (E/2 ≤ 512, no heap), where sin and cos
  // vectorise fully; written into `out` directly, Eigen would peel the misaligned head of each
  // column segment into scalar sinf/cosf calls.
  Eigen::Array<S, Eigen::Dynamic, 1, 0, 512, 1> arg(half), buf(half);
  for (Index n = 0; n < t.size(); ++n) {
    arg = f * (cfg_.kind == EmbeddingKind::FourierLogSigma ? std::log(s[n]) : t[n]);
    buf = arg.sin();
    out.col(n).segment(row0, half) = buf.matrix();
    buf = arg.cos();
    out.col(n).segment(row0 + half, half) = buf.matrix();
  }
}
template void NoiseEmbedding::embed(const ValuesT<float>&, const ValuesT<float>&,
                                    Eigen::MatrixXf&, Index) const;
template void NoiseEmbedding::embed(const ValuesT<double>&, const ValuesT<double>&,
                                    Eigen::MatrixXd&, Index) const;

}  // namespace scorelab
