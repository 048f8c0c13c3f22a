// A class-conditional model in a scene: its keys read and refused with clear messages, and its
// checkpoint round trip (the class count and the class embedding's weights come back).
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/scene/checkpoint.h"
#include "core/scene/exact_score.h"

using namespace scorelab;

namespace {

// The class-conditional scene with `patch` merged in (RFC 7386: a patch's object replaces keys).
Scene cfg_scene_of(const std::string& patch) {
  nlohmann::json scene = nlohmann::json::parse(
      R"({"data": {"dataset": "two_gaussians"}, "model": {"width": 16, "depth": 2, "classes": 2},
          "train": {"batch": 32, "seed": 7, "label_dropout": 0.2},
          "sampler": {"kind": "reverse_sde", "condition": {"kind": "class", "component": 1,
                      "scale": 2.5, "guidance": "classifier_free"}}})");
  scene.merge_patch(nlohmann::json::parse("{" + patch + "}"));
  return parse_scene_text(scene.dump(), "cfg");
}

}  // namespace

TEST_CASE("class-conditional scene keys: read, written back, and refused with the field named") {
  const Scene s = cfg_scene_of("");
  CHECK(s.train.model.classes == 2);
  CHECK(s.train.label_dropout == 0.2);
  CHECK(sampler_condition(s.sampler)->guidance == Conditioning::Guidance::ClassifierFree);
  CHECK(parse_scene_text(to_json(s).dump(), "again") == s);

  CHECK_THROWS_WITH_AS(cfg_scene_of(R"("data": {"dataset": "moons"},
                                       "sampler": {"condition": {"kind": "none",
                                                                 "guidance": "classifier"}})"),
                       doctest::Contains("model.classes: a class-conditional network learns the "
                                         "classes of mixture data"),
                       InputError);
  CHECK_THROWS_WITH_AS(cfg_scene_of(R"("data": {"dataset": "ring8"})"),
                       doctest::Contains("model.classes is 2 but the data is a mixture of 8 "
                                         "components (its classes)"),
                       InputError);
  CHECK_THROWS_WITH_AS(cfg_scene_of(R"("model": {"classes": 65})"),
                       doctest::Contains("model.classes"), InputError);
  CHECK_THROWS_WITH_AS(cfg_scene_of(R"("model": {"classes": 0})"),
                       doctest::Contains("sampler.condition.guidance 'classifier_free' needs a "
                                         "class-conditional model: model.classes 2"),
                       InputError);
  CHECK_THROWS_WITH_AS(cfg_scene_of(R"("train": {"label_dropout": 1.5})"),
                       doctest::Contains("train.label_dropout"), InputError);
  CHECK_THROWS_WITH_AS(
      parse_scene_text(R"({"sampler": {"kind": "reverse_sde", "condition": {"kind":
                       "observation", "guidance": "classifier_free"}}})", "obs"),
      doctest::Contains("'classifier_free' is a kind of class guidance"), InputError);
}

TEST_CASE("a class-conditional checkpoint round-trips with its class count and class scores") {
  const Scene scene = cfg_scene_of("");
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < 10; ++i) session.step();
  const std::string bytes = serialize_checkpoint(make_checkpoint(session, scene));
  const Checkpoint back = parse_checkpoint(bytes, "mem");
  CHECK(serialize_checkpoint(back) == bytes);
  CHECK(back.scene.train.model.classes == 2);
  CHECK(back.params == session.params());
  const LearnedScore trained(session.snapshot(), true), restored(back.snapshot(), true);
  REQUIRE(restored.classes() == 2);
  Points x(2, 20), a, b;
  Rng rng(1);
  rng.fill_normal(x);
  for (int k = 0; k < 2; ++k) {
    trained.class_score(x, NoiseLevel::sigma(0.5), k, a);
    restored.class_score(x, NoiseLevel::sigma(0.5), k, b);
    CHECK(a == b);
  }
  // An unconditional model's weights do not fit a class-conditional architecture.
  Checkpoint wrong = back;
  wrong.scene.train.model.classes = 0;
  CHECK_THROWS_AS(parse_checkpoint(serialize_checkpoint(wrong), "wrong"), InputError);
}
