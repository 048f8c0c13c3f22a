// The sampler registry has one row per SamplerConfig alternative, in order, and every row's
// defaults build a sampler, round-trip through a scene file under its key, validate, and have a
// cost estimate: a sampler missing any of these fails here.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/common/param_editor.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/limits.h"
#include "core/scene/scene.h"

using namespace scorelab;

namespace {

// Records the labels of the widgets a configuration offers, changing nothing.
struct LabelRecorder final : ParamEditor {
  using ParamEditor::choice;
  std::vector<std::string> labels;
  bool number(const char* label, double&, double lo, double hi, const char*, bool) override {
    CHECK(lo < hi);
    labels.emplace_back(label);
    return false;
  }
  bool integer(const char* label, int&, int lo, int hi) override {
    CHECK(lo < hi);
    labels.emplace_back(label);
    return false;
  }
  bool toggle(const char* label, bool&) override {
    labels.emplace_back(label);
    return false;
  }
  bool choice(const char* label, int& index, std::span<const std::string_view> options) override {
    CHECK(index >= 0);
    CHECK(static_cast<std::size_t>(index) < options.size());
    labels.emplace_back(label);
    return false;
  }
};

}  // namespace

TEST_CASE("sampler registry: one row per kind, in variant order, each buildable") {
  const auto rows = sampler_registry();
  REQUIRE(rows.size() == std::variant_size_v<SamplerConfig>);
  std::set<std::string_view> keys, labels;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(rows[i].key);
    CHECK(rows[i].defaults.index() == i);
    CHECK(sampler_name(rows[i].defaults) == rows[i].key);
    keys.insert(rows[i].key);
    labels.insert(rows[i].label);
    const Scene defaults;
    CHECK(make_sampler(rows[i].defaults, defaults.noise.schedule, defaults.noise.sde) != nullptr);
    Scene s;
    s.sampler = rows[i].defaults;
    CHECK(parse_scene(to_json(s)) == s);
    CHECK(to_json(s)["sampler"]["kind"] == std::string(rows[i].key));
    CHECK_NOTHROW(validate(s));
    // Its cost (core/scene/limits.cpp): the sampler item's memory and time of one step over the
    // particles, finite and positive, and a whole run of at least one step.
    const SceneCost cost = estimate_cost(s, {.sample = true});
    REQUIRE(cost.items.size() == 1);
    const CostItem& item = cost.items.front();
    CHECK(std::isfinite(item.bytes));
    CHECK(item.bytes > 0);
    CHECK(std::isfinite(item.step_seconds));
    CHECK(item.step_seconds > 0);
    CHECK(item.steps >= 1);
    // Its widgets: at least one, each label once (ImGui identifies a widget by its label), and
    // drawing them changes nothing.
    LabelRecorder editor;
    SamplerConfig edited = rows[i].defaults;
    CHECK_FALSE(edit_sampler(editor, edited));
    CHECK(edited == rows[i].defaults);
    CHECK_FALSE(editor.labels.empty());
    CHECK(std::set<std::string>(editor.labels.begin(), editor.labels.end()).size() ==
          editor.labels.size());
  }
  CHECK(keys.size() == rows.size());
  CHECK(labels.size() == rows.size());
}

TEST_CASE("sampler registry: a summary names the method within the kind, or is the label") {
  ReverseSdeConfig pc;
  pc.corrector = Corrector::Langevin;
  pc.corrector_steps = 3;
  CHECK(sampler_summary(pc) == "Euler-Maruyama + 3 corrector steps");
  pc.corrector_steps = 1;
  CHECK(sampler_summary(pc) == "Euler-Maruyama + 1 corrector step");
  CHECK(sampler_summary(ReverseSdeConfig{}) == "Euler-Maruyama");
  CHECK(sampler_summary(AnnealedLangevinConfig{}) == "annealed Langevin");
}
