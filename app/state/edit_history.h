// Undo / redo of edits to data and settings (Ctrl+Z / Ctrl+Y).
//
// The history keeps whole scenes (a scene is a few kilobytes; a drawn point set at most a few
// megabytes, kMaxUndo of them bounded by the data limits), so undo restores the exact previous
// state by construction. What is not an edit and never recorded are the fields whose role
// (FieldRole, core/scene/scene.h) is not Content: the camera (pan and zoom, which change every
// wheel notch), playback (playing, run, training) and the window's display (UI scale, panels,
// help, presenter mode); undo keeps their current values. One gesture (a slider dragged, a centre
// moved with the mouse) is one entry, however many frames it lasts.
#pragma once
#include <cstddef>
#include <deque>
#include <optional>

#include "core/scene/scene.h"

namespace scorelab::app {

inline constexpr std::size_t kMaxUndo = 100;  // entries kept; the oldest is dropped beyond

// `scene` with the fields undo does not touch (camera, playback, display) taken from `keep`.
Scene with_unrecorded_fields(Scene scene, const Scene& keep);

// Whether going from `before` to `after` is an edit undo records (a Content field changed).
bool is_recorded_edit(const Scene& before, const Scene& after);

class EditHistory {
 public:
  // Records that the scene was `before` and an edit follows. Within one gesture (`gesture` true
  // on consecutive calls) only the first call records; any new edit clears the redo list.
  void record(const Scene& before, bool gesture);
  // The gesture (if any) ended: the next edit starts a new entry.
  void end_gesture() { in_gesture_ = false; }

  // The scene to go back (or forward) to from `current`, with current's transport and camera;
  // nullopt when there is nothing to undo (redo). The caller applies it.
  std::optional<Scene> undo(const Scene& current);
  std::optional<Scene> redo(const Scene& current);

  std::size_t undo_count() const { return undo_.size(); }
  std::size_t redo_count() const { return redo_.size(); }

 private:
  std::deque<Scene> undo_, redo_;
  bool in_gesture_ = false;
};

}  // namespace scorelab::app
