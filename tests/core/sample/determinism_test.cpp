// Determinism pinned, as Box2D's determinism hash: each sampler kind runs a shipped scene exactly
// as `scorelab sample` does (core/scene/scene_run.h: the scene's data and particle streams, the
// data draw, then the sampler to the end) and the FNV-1a hash of the final particles' float bits
// must equal the constant stored here.
//
// The constants are recorded per SIMD instruction set of a Release -O3 build (-march=native on the
// machine types CI runs on: AVX-512, or AVX2 + FMA without AVX-512). The vector width changes the
// order of sums and so the last bits of a float: each set has its own column below, and a build
// picks the one its compiler flags name. A build of AVX2 + FMA code on an AVX-512 machine
// (cmake -DSCORELAB_ARCH=x86-64-v3) reproduces the AVX2 column, which is how that column was
// recorded and how to update it. Other builds (SCORELAB_PORTABLE, -O0 / -O2, sanitizers, other
// instruction sets) print their hash and still check that the same seed repeats bit for bit
// (tests/CMakeLists.txt sets SCORELAB_PINNED_HASHES). A mismatch prints the new value. Update a
// constant only when a change of numbers is intended, and say so in the commit. When these tests
// were added, the same hashes came out of the code before the refactoring that introduced them (the
// CLI's own split of Rng(seed), the probability flow's own RK45): `scorelab sample`'s output for a
// given seed did not change.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/scene/scene_run.h"

namespace scorelab {
namespace {

// 64-bit FNV-1a over the bytes of every float, in memory order (x, y, x, y, …).
std::uint64_t fnv1a(const Points& x) {
  std::uint64_t h = 14695981039346656037ull;
  for (Index i = 0; i < x.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, x.data() + i, sizeof bits);
    for (int b = 0; b < 4; ++b) {
      h ^= (bits >> (8 * b)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
  return h;
}

Scene shipped_scene(const std::string& name) {
  Scene scene = load_scene(std::string(SCORELAB_SOURCE_DIR) + "/assets/scenes/" + name + ".json");
  scene.particles = 64;  // the scene's own steps and seed; few particles keep the test fast
  // The hashes pin the samplers' arithmetic on the process they were recorded with (VE σ_max 10),
  // not the σ_max a shipped scene now fits to its data (core/scene/noise_fit.h).
  scene.noise.sde.sigma_max = 10;
  scene.noise.schedule.sigma_max = 10;
  return scene;
}

// The hash one scene must give, for the instruction sets it was recorded on.
struct PinnedHash {
  std::uint64_t avx512;  // __AVX512F__ (x86-64-v4 and wider)
  std::uint64_t avx2;    // __AVX2__ and __FMA__ without AVX-512 (x86-64-v3)
};

#if defined(__AVX512F__)
constexpr const char* kInstructionSet = "AVX-512";
[[maybe_unused]] std::uint64_t for_this_build(PinnedHash p) { return p.avx512; }
#elif defined(__AVX2__) && defined(__FMA__)
constexpr const char* kInstructionSet = "AVX2 + FMA";
[[maybe_unused]] std::uint64_t for_this_build(PinnedHash p) { return p.avx2; }
#else
#undef SCORELAB_PINNED_HASHES
#define SCORELAB_PINNED_HASHES 0  // no column recorded for this instruction set
constexpr const char* kInstructionSet = "an instruction set without recorded hashes";
[[maybe_unused]] std::uint64_t for_this_build(PinnedHash) { return 0; }
#endif

void check_hash(const std::string& name, PinnedHash pinned) {
  const Points x = sample_scene(shipped_scene(name));
  const std::uint64_t h = fnv1a(x);
  char text[32];
  std::snprintf(text, sizeof text, "0x%016llxull", static_cast<unsigned long long>(h));
#if SCORELAB_PINNED_HASHES
  INFO(name << ": determinism hash " << text << " on " << kInstructionSet
            << " (update the constant if the change is intended)");
  CHECK(h == for_this_build(pinned));
#else
  (void)pinned;
  MESSAGE(name << ": determinism hash " << text << " on " << kInstructionSet
               << " (not pinned in this build type)");
#endif
}

TEST_CASE("determinism: langevin (ncsn_toy, uniform start)") {
  check_hash("ncsn_toy_langevin", {0xe1b22763f493b1b4ull, 0x4075f50847067bb6ull});
}

TEST_CASE("determinism: annealed_langevin (ring8, with denoising)") {
  check_hash("ring8_annealed_langevin", {0x60b73a8f56c098cbull, 0x64fbacf219c910fbull});
}

TEST_CASE("determinism: reverse_sde predictor-corrector (two_gaussians)") {
  check_hash("two_gaussians_reverse_sde_pc", {0x2dbdcb115536157cull, 0x6b10a4cbdd2acc16ull});
}

TEST_CASE("determinism: probability_flow RK45 (ring8)") {
  check_hash("ring8_vp_probability_flow_rk45", {0xc16989f351665965ull, 0xf623a95898a5fd20ull});
}

TEST_CASE("determinism: reverse_sde on moons (the data stream draws the empirical mixture)") {
  check_hash("moons_reverse_sde", {0xf96dc4225d10a74aull, 0xc217e1bd318eb88full});
}

TEST_CASE("determinism: the same scene twice gives the same particles, another seed others") {
  Scene scene = shipped_scene("two_gaussians_reverse_sde_pc");
  const Points a = sample_scene(scene), b = sample_scene(scene);
  CHECK(fnv1a(a) == fnv1a(b));
  scene.seed = 1;
  CHECK(fnv1a(sample_scene(scene)) != fnv1a(a));
}

}  // namespace
}  // namespace scorelab
