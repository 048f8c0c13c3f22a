// The layers' settings as a registry: every member of LayersConfig is a block of its field list
// under its struct's key, round-trips through a scene file, and is validated.
#include <doctest/doctest.h>

#include <cstddef>
#include <set>
#include <string>

#include "core/common/error.h"
#include "core/scene/layers_config.h"
#include "core/scene/scene.h"

namespace {

using namespace scorelab;

// Converts to any type: counts an aggregate's members (T{m, m, ...} compiles up to their number;
// each member, a class or not, takes one initialiser, since this one converts to it directly).
struct AnyMember {
  template <class T>
  operator T() const;
};
template <class T, class... Members>
constexpr std::size_t member_count() {
  if constexpr (requires { T{Members{}..., AnyMember{}}; })
    return member_count<T, Members..., AnyMember>();
  else
    return sizeof...(Members);
}

struct BlockLister {
  std::set<std::string> keys;
  int blocks = 0;
  template <class Block>
  void operator()(const std::string& key, Block& block) {
    ++blocks;
    keys.insert(key);
    CHECK(key == std::string(Block::key));  // the name is the struct's, written once
    CHECK_NOTHROW(validate(block));         // every block has a validate; defaults pass
  }
};

}  // namespace

TEST_CASE("every member of LayersConfig is in its field list, under its own key") {
  LayersConfig layers;
  BlockLister lister;
  fields(lister, layers);
  // A member added to the struct but not to `fields` would be neither read, written, validated
  // nor undone: the counts differ.
  CHECK(lister.blocks == int(member_count<LayersConfig>()));
  CHECK(lister.keys.size() == member_count<LayersConfig>());  // keys distinct
  CHECK(lister.blocks >= 9);  // the counter counts (today's nine blocks at least)
}

TEST_CASE("each layer block round-trips through a scene file and switches on alone") {
  Scene base;
  int seen = 0;
  fields(
      [&](const std::string& key, auto& block) {
        INFO(key);
        ++seen;
        Scene s = base;
        // The block of `s` with this key, flipped on/off: the file says so under layers.<key>.on
        // and reads back equal; no other block changed.
        bool flipped = false;
        fields(
            [&](const std::string& k, auto& b) {
              if (k == key) {
                b.on = !b.on;
                flipped = true;
              }
            },
            s.layers);
        REQUIRE(flipped);
        const nlohmann::json j = to_json(s);
        CHECK(j["layers"][key]["on"] == !block.on);
        CHECK(parse_scene(j) == s);
        CHECK_FALSE(s.layers == base.layers);
      },
      base.layers);
  CHECK(seen == int(member_count<LayersConfig>()));
}

TEST_CASE("layer settings out of range are refused by key path and range") {
  const auto message = [](const char* json) {
    try {
      (void)parse_scene_text(json, "s.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(message(R"({"layers": {"density": {"resolution": 4}}})").find(
            "layers.density.resolution") != std::string::npos);
  CHECK(message(R"({"layers": {"error": {"low_density_outline": {"quantile": 0.9}}}})")
            .find("layers.error.low_density_outline.quantile") != std::string::npos);
  CHECK(message(R"({"layers": {"particles": {"trail": 501}}})").find("layers.particles.trail") !=
        std::string::npos);
  CHECK(message(R"({"layers": {"axes": {"on": false, "grid": false}}})") == "accepted");
}
