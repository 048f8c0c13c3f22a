// Scene fields by role (FieldRole, core/scene/scene.h): declared once in the field lists of
// scene.cpp, read by undo and lesson steps through with_fields_of.
#include <doctest/doctest.h>

#include "core/scene/scene.h"

using namespace scorelab;

namespace {

// A scene whose every field named below differs from the defaults.
Scene changed() {
  Scene s;
  s.view.center_x = 3, s.view.center_y = -2, s.view.half_height = 9;  // Camera
  s.ui.playing = false, s.ui.run = 7, s.ui.training = false;          // Playback
  s.ui.ui_scale = 2, s.ui.show_panels = false, s.ui.show_help = true;  // Display
  s.ui.presenter = true;
  s.noise.sde.sigma_max = 20, s.view.left.t = 0.7, s.ui.steps_per_frame = 5;  // Content
  s.layers.density.range = 11;
  return s;
}

bool same_camera(const Scene& a, const Scene& b) {
  return a.view.center_x == b.view.center_x && a.view.center_y == b.view.center_y &&
         a.view.half_height == b.view.half_height;
}
bool same_playback(const Scene& a, const Scene& b) {
  return a.ui.playing == b.ui.playing && a.ui.run == b.ui.run && a.ui.training == b.ui.training;
}
bool same_display(const Scene& a, const Scene& b) {
  return a.ui.ui_scale == b.ui.ui_scale && a.ui.show_panels == b.ui.show_panels &&
         a.ui.show_help == b.ui.show_help && a.ui.presenter == b.ui.presenter;
}
bool same_content(const Scene& a, const Scene& b) {
  return a.noise == b.noise && a.view.left == b.view.left &&
         a.ui.steps_per_frame == b.ui.steps_per_frame && a.layers == b.layers;
}

}  // namespace

TEST_CASE("field roles: with_fields_of takes exactly the fields of the roles asked for") {
  const Scene base, other = changed();
  const Scene camera = with_fields_of(base, other, {FieldRole::Camera});
  CHECK(same_camera(camera, other));
  CHECK(same_playback(camera, base));
  CHECK(same_display(camera, base));
  CHECK(same_content(camera, base));

  const Scene playback_display =
      with_fields_of(base, other, {FieldRole::Playback, FieldRole::Display});
  CHECK(same_camera(playback_display, base));
  CHECK(same_playback(playback_display, other));
  CHECK(same_display(playback_display, other));
  CHECK(same_content(playback_display, base));

  // Every role but Content: only content is left to tell the two apart.
  const Scene all =
      with_fields_of(base, other, {FieldRole::Camera, FieldRole::Playback, FieldRole::Display});
  Scene want = other;
  want.noise = base.noise, want.view.left = base.view.left;
  want.ui.steps_per_frame = base.ui.steps_per_frame, want.layers = base.layers;
  CHECK(all == want);
}
