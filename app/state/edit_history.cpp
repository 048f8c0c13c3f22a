#include "app/state/edit_history.h"

namespace scorelab::app {

Scene with_unrecorded_fields(Scene scene, const Scene& keep) {
  return with_fields_of(std::move(scene), keep,
                        {FieldRole::Camera, FieldRole::Playback, FieldRole::Display});
}

bool is_recorded_edit(const Scene& before, const Scene& after) {
  return !(with_unrecorded_fields(after, before) == before);
}

void EditHistory::record(const Scene& before, bool gesture) {
  const bool continuing = gesture && in_gesture_;
  in_gesture_ = gesture;
  if (continuing) return;
  undo_.push_back(before);
  if (undo_.size() > kMaxUndo) undo_.pop_front();
  redo_.clear();
}

std::optional<Scene> EditHistory::undo(const Scene& current) {
  in_gesture_ = false;
  if (undo_.empty()) return std::nullopt;
  Scene target = with_unrecorded_fields(undo_.back(), current);
  undo_.pop_back();
  redo_.push_back(current);
  return target;
}

std::optional<Scene> EditHistory::redo(const Scene& current) {
  in_gesture_ = false;
  if (redo_.empty()) return std::nullopt;
  Scene target = with_unrecorded_fields(redo_.back(), current);
  redo_.pop_back();
  undo_.push_back(current);
  return target;
}

}  // namespace scorelab::app
