#include "core/common/rng.h"

#include <Eigen/Core>
#include <cassert>
#include <cmath>
#include <numbers>

namespace scorelab {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(std::uint64_t seed) {
  std::uint64_t sm = seed;
  for (auto& w : s_) w = splitmix64(sm);
  for (int l = 0; l < kLanes; ++l) {
    for (int k = 0; k < 2; ++k) {
      const std::uint64_t w = splitmix64(sm);
      lane_[2 * k][l] = static_cast<std::uint32_t>(w);
      lane_[2 * k + 1][l] = static_cast<std::uint32_t>(w >> 32) | 1u;  // never all zero
    }
  }
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (has_cached_normal_) {
    has_cached_normal_ = false;
    return cached_normal_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double th = 2.0 * std::numbers::pi * u2;
  cached_normal_ = r * std::sin(th);
  has_cached_normal_ = true;
  return r * std::cos(th);
}

std::uint64_t Rng::below(std::uint64_t n) {
  assert(n > 0);
  // Lemire's multiply-shift; the tiny bias (< n / 2^64) is irrelevant at our sizes.
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint64_t>((static_cast<u128>(next_u64()) * n) >> 64);
}

// xoshiro128+ on kLanes independent states; the loop body is one SIMD register wide.
void Rng::next_lanes(std::uint32_t* out) {
  std::uint32_t* __restrict a = lane_[0];
  std::uint32_t* __restrict b = lane_[1];
  std::uint32_t* __restrict c = lane_[2];
  std::uint32_t* __restrict d = lane_[3];
  for (int l = 0; l < kLanes; ++l) {
    const std::uint32_t s0 = a[l], s1 = b[l], s2 = c[l] ^ s0, s3 = d[l] ^ s1;
    out[l] = s0 + d[l];
    b[l] = s1 ^ s2;
    a[l] = s0 ^ s3;
    c[l] = s2 ^ (s1 << 9);
    d[l] = (s3 << 11) | (s3 >> 21);
  }
}

void Rng::fill_uniform(float* out, Index n, float lo, float hi) {
  alignas(64) std::uint32_t words[kLanes];
  const float scale = (hi - lo) * 0x1.0p-24f;
  for (Index i = 0; i < n; i += kLanes) {
    next_lanes(words);
    const Index m = std::min<Index>(kLanes, n - i);
    for (Index l = 0; l < m; ++l) out[i + l] = lo + static_cast<float>(words[l] >> 8) * scale;
  }
}

// Box–Muller on a whole chunk: u1 in (0, 1], θ in [-π, π) (small arguments keep sin/cos exact).
void Rng::normal_chunk(float* out) {
  constexpr int kHalf = kChunk / 2;
  alignas(64) std::uint32_t words[kChunk];
  for (int i = 0; i < kChunk; i += kLanes) next_lanes(words + i);
  Eigen::Array<float, kHalf, 1> u1, th;
  for (int i = 0; i < kHalf; ++i) {
    u1[i] = static_cast<float>((words[i] >> 8) + 1) * 0x1.0p-24f;
    th[i] = static_cast<float>(words[kHalf + i] >> 8) * (2.0f * std::numbers::pi_v<float> * 0x1.0p-24f) -
            std::numbers::pi_v<float>;
  }
  const Eigen::Array<float, kHalf, 1> r = (-2.0f * u1.log()).sqrt();
  Eigen::Map<Eigen::Array<float, kHalf, 1>> z0(out), z1(out + kHalf);
  z0 = r * th.cos();
  z1 = r * th.sin();
}

void Rng::fill_normal(float* out, Index n) {
  Index i = 0;
  for (; i + kChunk <= n; i += kChunk) normal_chunk(out + i);
  if (i < n) {
    alignas(64) float tail[kChunk];
    normal_chunk(tail);
    std::copy(tail, tail + (n - i), out + i);
  }
}

}  // namespace scorelab
