#include "core/nn/embedding.h"

#include <cmath>
#include <numbers>
#include <string>

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
}

NoiseEmbedding::NoiseEmbedding(const EmbeddingConfig& config, std::vector<double> frequencies)
    : cfg_(config), freq_(std::move(frequencies)) {
  cfg_.validate();
  if (static_cast<int>(freq_.size()) != cfg_.width / 2)
    throw InputError("embedding: expected " + std::to_string(cfg_.width / 2) + " frequencies, got " +
                     std::to_string(freq_.size()));
}

template <class S>
void NoiseEmbedding::embed(const ValuesT<S>& t, const ValuesT<S>& s,
                           Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& out,
                           Index row0) const {
  const Index half = static_cast<Index>(freq_.size());
  // The embedded input: log s (Fourier) or t (sinusoidal), one per sample.
  const Eigen::Array<S, 1, Eigen::Dynamic> u =
      cfg_.kind == EmbeddingKind::FourierLogSigma ? s.array().log().transpose().eval()
                                                  : t.array().transpose().eval();
  for (Index k = 0; k < half; ++k) {
    const Eigen::Array<S, 1, Eigen::Dynamic> arg = static_cast<S>(freq_[k]) * u;
    out.row(row0 + k).array() = arg.sin();
    out.row(row0 + half + k).array() = arg.cos();
  }
}
template void NoiseEmbedding::embed(const ValuesT<float>&, const ValuesT<float>&,
                                    Eigen::MatrixXf&, Index) const;
template void NoiseEmbedding::embed(const ValuesT<double>&, const ValuesT<double>&,
                                    Eigen::MatrixXd&, Index) const;

std::string_view to_string(EmbeddingKind k) {
  return k == EmbeddingKind::FourierLogSigma ? "fourier_log_sigma" : "sinusoidal_time";
}

EmbeddingKind embedding_kind_from_string(std::string_view name) {
  for (EmbeddingKind k : {EmbeddingKind::FourierLogSigma, EmbeddingKind::SinusoidalTime})
    if (to_string(k) == name) return k;
  throw InputError("unknown embedding '" + std::string(name) +
                   "' (allowed: fourier_log_sigma, sinusoidal_time)");
}

}  // namespace scorelab
