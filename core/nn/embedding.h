// Noise-level embeddings: how the score MLP is told which noise level it is looking at.
//
//   FourierLogSigma  [sin(2π W log s), cos(2π W log s)], W_k ~ N(0, scale²) fixed at creation
//                    (score_sde GaussianFourierProjection, the VE / NCSN++ choice; scale 16)
//   SinusoidalTime   DDPM's timestep embedding of the label 999·t: [sin(label·f_k), cos(label·f_k)],
//                    f_k = exp(−ln(10⁴)·k/(E/2 − 1))   (the VP / sub-VP choice)
// The embedding has no trained parameters; the first linear layer learns what to do with it.
#pragma once
#include "core/common/enum_table.h"
#include <string_view>
#include <vector>

#include "core/common/points.h"
#include "core/common/rng.h"

namespace scorelab {

enum class EmbeddingKind { FourierLogSigma, SinusoidalTime };

struct EmbeddingConfig {
  EmbeddingKind kind = EmbeddingKind::FourierLogSigma;
  int width = 32;               // E, even, ≥ 2: number of features (E/2 frequencies)
  double fourier_scale = 16.0;  // std of the Fourier frequencies W (FourierLogSigma only)
  bool operator==(const EmbeddingConfig&) const = default;

  void validate() const;  // throws InputError
};

class NoiseEmbedding {
 public:
  NoiseEmbedding() = default;
  NoiseEmbedding(const EmbeddingConfig& config, Rng& rng);  // draws W (Fourier)
  // Rebuild from saved frequencies (checkpoints).
  NoiseEmbedding(const EmbeddingConfig& config, std::vector<double> frequencies);

  const EmbeddingConfig& config() const { return cfg_; }
  int width() const { return cfg_.width; }
  const std::vector<double>& frequencies() const { return freq_; }  // E/2 values

  // out (E × N, written into rows [row0, row0 + E) of `out`) from per-sample t and s.
  template <class S>
  void embed(const ValuesT<S>& t, const ValuesT<S>& s,
             Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& out, Index row0) const;

 private:
  void cache_frequencies();

  EmbeddingConfig cfg_;
  std::vector<double> freq_;  // Fourier: 2π·W_k; sinusoidal: 999·f_k (argument = freq · input)
  Eigen::ArrayXf freq_f_;     // the same, as arrays for the vectorised evaluation
  Eigen::ArrayXd freq_d_;
};

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<EmbeddingKind> {
  static constexpr std::string_view what = "embedding";
  static constexpr EnumName<EmbeddingKind> names[] = {
      {EmbeddingKind::FourierLogSigma, "fourier_log_sigma", "Fourier(log sigma)"},
      {EmbeddingKind::SinusoidalTime, "sinusoidal_time", "sinusoidal(t)"},
  };
};

}  // namespace scorelab
