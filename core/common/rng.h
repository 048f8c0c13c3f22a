// Rng: the one explicit, seeded random generator every stochastic part of scorelab takes.
//
// Scalar draws (uniform(), normal(), below()) come from xoshiro256**. Bulk float draws
// (fill_uniform, fill_normal), which the samplers use for millions of particles, come from 16
// interleaved xoshiro128+ lanes that the compiler turns into one SIMD register, and Box–Muller on
// Eigen arrays (vectorised log, sqrt, sin, cos). Same seed, same build: same numbers, bit for bit.
#pragma once
#include <array>
#include <cstdint>

#include "core/common/points.h"

namespace scorelab {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);

  std::uint64_t next_u64();
  double uniform();                     // [0, 1), 53 random bits
  double normal();                      // N(0, 1)
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), n > 0

  // Bulk float draws into out[0..n).
  void fill_uniform(float* out, Index n, float lo, float hi);  // [lo, hi)
  void fill_normal(float* out, Index n);                       // N(0, 1)
  void fill_normal(Points& out) { fill_normal(out.data(), out.size()); }

  // An independent generator seeded from this one (e.g. one per worker or per purpose).
  Rng split() { return Rng(next_u64()); }

 private:
  static constexpr int kLanes = 16;
  static constexpr int kChunk = 256;  // normals made per Box–Muller chunk
  void next_lanes(std::uint32_t* out);  // kLanes fresh 32-bit words
  void normal_chunk(float* out);        // kChunk normals

  std::array<std::uint64_t, 4> s_{};  // xoshiro256** state (scalar draws)
  alignas(64) std::uint32_t lane_[4][kLanes]{};  // xoshiro128+ states, one per lane
  double cached_normal_ = 0;
  bool has_cached_normal_ = false;
};

}  // namespace scorelab
