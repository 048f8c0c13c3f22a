// The mesh layer's scene keys: read, written back, and refused with a message naming the field
// and its range or choices.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/scene/scene.h"

using namespace scorelab;

TEST_CASE("layers.mesh: its keys round-trip, and bad values name the field and its range") {
  const Scene s = parse_scene_text(
      R"({"layers": {"mesh": {"on": true, "direction": "data_to_prior", "lines": 7,
                              "reference": false}}})",
      "mesh.json");
  CHECK(s.layers.mesh.on);
  CHECK(s.layers.mesh.direction == FlowDirection::DataToPrior);
  CHECK(s.layers.mesh.lines == 7);
  CHECK_FALSE(s.layers.mesh.reference);
  CHECK(parse_scene(to_json(s)) == s);
  CHECK(Scene().layers.mesh == MeshLayerSettings{});  // off by default: old files are unchanged

  CHECK_THROWS_WITH_AS(parse_scene_text(R"({"layers": {"mesh": {"lines": 1}}})", "m.json"),
                       doctest::Contains("layers.mesh.lines must be finite and in [2, 61], got 1"),
                       InputError);
  CHECK_THROWS_WITH_AS(parse_scene_text(R"({"layers": {"mesh": {"lines": 62}}})", "m.json"),
                       doctest::Contains("layers.mesh.lines"), InputError);
  CHECK_THROWS_WITH_AS(
      parse_scene_text(R"({"layers": {"mesh": {"direction": "sideways"}}})", "m.json"),
      doctest::Contains("layers.mesh.direction: unknown flow direction 'sideways' (allowed: "
                        "prior_to_data, data_to_prior)"),
      InputError);
}
