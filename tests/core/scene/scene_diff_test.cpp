// SceneDiff: an edit of each block marks exactly what it invalidates, and nothing else.
#include <doctest/doctest.h>

#include "core/scene/scene_diff.h"

using namespace scorelab;

namespace {

// The flags of a diff as one comparable string ("data sampler fields"), so a failing check prints
// every flag that differs.
std::string flags(const SceneDiff& d) {
  std::string s;
  const auto add = [&](bool on, const char* name) {
    if (on) s += std::string(s.empty() ? "" : " ") + name;
  };
  add(d.data, "data");
  add(d.train_restart, "train_restart");
  add(d.learning_rate, "lr");
  add(d.batch, "batch");
  add(d.objective, "objective");
  add(d.sampler, "sampler");
  add(d.fields, "fields");
  add(d.view, "view");
  add(d.panels, "panels");
  add(d.layers, "layers");
  add(d.training_on, "training_on");
  add(d.playing, "playing");
  return s;
}

template <class Edit>
std::string flags_of_edit(Edit edit) {
  const Scene before;
  Scene after = before;
  edit(after);
  return flags(diff(before, after));
}

}  // namespace

TEST_CASE("scene diff: no edit, no flag") {
  CHECK(flags(diff(Scene{}, Scene{})).empty());
  CHECK_FALSE(diff(Scene{}, Scene{}).any());
}

TEST_CASE("scene diff: each block's edit rebuilds exactly what it should") {
  CHECK(flags_of_edit([](Scene& s) { s.seed = 7; }) == "data sampler fields");
  CHECK(flags_of_edit([](Scene& s) { s.data.source = std::string("moons"); }) ==
        "data sampler fields");
  CHECK(flags_of_edit([](Scene& s) { s.data.source = PointSet{{{1, 2}, {3, 4}}}; }) ==
        "data sampler fields");
  CHECK(flags_of_edit([](Scene& s) { s.noise.sde.sigma_max = 20; }) ==
        "objective sampler fields");
  CHECK(flags_of_edit([](Scene& s) { s.noise.schedule.levels = 3; }) ==
        "objective sampler fields");
  CHECK(flags_of_edit([](Scene& s) { s.train.adam.lr = 1e-4; }) == "lr");
  CHECK(flags_of_edit([](Scene& s) { s.train.batch = 64; }) == "batch");
  CHECK(flags_of_edit([](Scene& s) { s.train.objective.kind = ObjectiveKind::Sliced; }) ==
        "objective");
  CHECK(flags_of_edit([](Scene& s) { s.train.model.width = 64; }) == "train_restart");
  CHECK(flags_of_edit([](Scene& s) { s.train.ema_rate = 0.99; }) == "train_restart");
  CHECK(flags_of_edit([](Scene& s) { s.train.adam.beta1 = 0.8; }) == "train_restart");
  CHECK(flags_of_edit([](Scene& s) { s.sampler = LangevinConfig{}; }) == "sampler");
  CHECK(flags_of_edit([](Scene& s) { std::get<ReverseSdeConfig>(s.sampler).snr = 0.2; }) ==
        "sampler");
  CHECK(flags_of_edit([](Scene& s) { s.particles = 10; }) == "sampler");
  CHECK(flags_of_edit([](Scene& s) { s.ui.run = 1; }) == "sampler");
  CHECK(flags_of_edit([](Scene& s) { s.view.center_x = 1; }) == "fields view");
  CHECK(flags_of_edit([](Scene& s) { s.view.left.t = 0.5; }) == "fields view");
  CHECK(flags_of_edit([](Scene& s) { s.view.split = true; }) == "fields view panels");
  CHECK(flags_of_edit([](Scene& s) { s.view.multiples.on = true; }) == "fields view panels");
  CHECK(flags_of_edit([](Scene& s) { s.view.multiples.across = MultiplesAcross::Sdes; }) ==
        "fields view panels");
  CHECK(flags_of_edit([](Scene& s) { s.view.multiples.t_max = 0.5; }) == "fields view panels");
  CHECK(flags_of_edit([](Scene& s) { s.layers.density.resolution = 64; }) == "fields layers");
  CHECK(flags_of_edit([](Scene& s) { s.layers.axes.grid = false; }) == "fields layers");
  CHECK(flags_of_edit([](Scene& s) { s.ui.use_ema = false; }) == "fields");
  CHECK(flags_of_edit([](Scene& s) { s.ui.training = false; }) == "training_on");
  CHECK(flags_of_edit([](Scene& s) { s.ui.playing = false; }) == "playing");
  // Window chrome: nothing to rebuild.
  CHECK(flags_of_edit([](Scene& s) { s.ui.show_help = true; }).empty());
  CHECK(flags_of_edit([](Scene& s) { s.ui.ui_scale = 2; }).empty());
}

TEST_CASE("scene diff: a one-point change in a 20,000-point drawn set is seen") {
  PointSet set;
  for (int i = 0; i < 20000; ++i) set.points.emplace_back(i * 1e-3, -i * 1e-3);
  Scene a;
  a.data.source = set;
  Scene b = a;
  CHECK_FALSE(diff(a, b).any());
  std::get<PointSet>(b.data.source).points[12345].x() += 1e-9;
  CHECK(diff(a, b).data);
}
