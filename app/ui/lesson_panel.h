// Lessons in the window: the Lessons section at the top of the side panel (the shipped lessons,
// previous / next), and the lesson text strip along the bottom of the plot (title, "step k of n",
// caption, "try this" prompts, previous / next), in large type for the back of a lecture room.
#pragma once
#include <string>
#include <vector>

#include "app/state/app_context.h"
#include "app/state/lesson_player.h"


namespace scorelab::ui {

// The lessons' UI state (not saved in the scene).
struct LessonUi {
  app::LessonPlayer player;
  std::string dir;                        // where the shipped lessons are (find_lesson_dir)
  std::vector<app::LessonEntry> catalogue;
  bool scanned = false;                   // catalogue read (the first time the section opens)
  std::string open_request;               // a lesson picked in the menu this frame
};

// The Lessons section (inside the side panel's window): click a lesson to open it at its first
// step; previous / next post the same commands as → / ←.
void lessons_section(LessonUi& ui, std::vector<app::Command>& commands);

// Before the frame's submit: a lesson picked in the menu opens (its first step's scene becomes the
// edit; one that does not load is reported and nothing changes), and NextStep / PreviousStep move
// the open lesson's step (the step's scene becomes the edit).
void lesson_edits(app::AppContext& ctx, LessonUi& ui, const std::vector<app::Command>& commands,
                  Scene& edit);

// Height in window pixels of the lesson text strip for a plot `width` wide in a window `height`
// high (at most 45% of it; longer text scrolls), 0 when no lesson is open. `font` is the font the
// strip draws with (the presenter font when presenter mode is on), null for ImGui's default.
// (In presenter mode the strip uses the lecture-size font nearly as it is.)
// `claims`: the step's claims checked against the finished run (LessonPlayer::claim_checks), one
// line each under the caption, or null.
float lesson_panel_height(const LessonUi& ui, float width, float height, bool presenter,
                          const std::vector<ClaimCheck>* claims);

// The strip at (x, y), w × h window pixels; its buttons post commands.
void lesson_panel(LessonUi& ui, std::vector<app::Command>& commands, float x, float y, float w,
                  float h, bool presenter, const std::vector<ClaimCheck>* claims);

}  // namespace scorelab::ui
