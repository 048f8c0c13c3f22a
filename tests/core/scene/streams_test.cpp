// scene_streams: the split order of a scene's seed is part of every saved result (a scene and a
// seed must keep giving the same data and particles), so it is pinned here.
#include <doctest/doctest.h>

#include "core/scene/streams.h"

namespace scorelab {
namespace {

TEST_CASE("scene_streams: Rng(seed) split twice, data first, then particles") {
  for (std::uint64_t seed : {0ull, 1ull, 12345678901234ull}) {
    SceneStreams s = scene_streams(seed);
    Rng root(seed);
    Rng data = root.split(), particles = root.split();
    for (int k = 0; k < 4; ++k) {
      CHECK(s.data.next_u64() == data.next_u64());
      CHECK(s.particles.next_u64() == particles.next_u64());
    }
  }
  // The two streams differ from each other and from the unsplit generator.
  SceneStreams s = scene_streams(7);
  Rng unsplit(7);
  const std::uint64_t d = s.data.next_u64(), p = s.particles.next_u64(), u = unsplit.next_u64();
  CHECK(d != p);
  CHECK(d != u);
  CHECK(p != u);
}

}  // namespace
}  // namespace scorelab

namespace scorelab {
namespace {

TEST_CASE("scene_streams: display, then held_out, split after data and particles") {
  for (std::uint64_t seed : {0ull, 1ull, 12345678901234ull}) {
    SceneStreams s = scene_streams(seed);
    Rng root(seed);
    (void)root.split(), (void)root.split();  // data, particles
    Rng display = root.split(), held_out = root.split();
    for (int k = 0; k < 4; ++k) {
      CHECK(s.display.next_u64() == display.next_u64());
      CHECK(s.held_out.next_u64() == held_out.next_u64());
    }
  }
  SceneStreams s = scene_streams(7);
  const std::uint64_t d = s.data.next_u64(), p = s.particles.next_u64(),
                      h = s.held_out.next_u64(), v = s.display.next_u64();
  CHECK(h != d);
  CHECK(h != p);
  CHECK(h != v);
}

}  // namespace
}  // namespace scorelab
