// The open lesson in the window: which lesson, which step, and how a step change becomes a scene
// edit. Not a scene setting (never saved); owned by the UI state. No GL, so tests/state drives it.
//
// A step change is an ordinary edit: navigate() writes the step's scene into the frame's edit,
// which the window submits through AppContext::submit like any panel's, so the diff rebuilds only
// what the step changed (a step that only turns a layer on keeps training and particles going)
// and everything stays live and editable afterwards.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "app/state/commands.h"
#include "core/lesson/lesson.h"

namespace scorelab::app {

class LessonPlayer {
 public:
  // Opens `lesson` (read from `path`) at step `step` (0-based, clamped to the lesson) and returns
  // that step's scene as the lesson wrote it (presenter mode on), to submit as the edit.
  Scene open(Lesson lesson, std::string path, int step = 0);
  void close() { open_ = false; }

  bool is_open() const { return open_; }
  const Lesson& lesson() const { return lesson_; }  // valid while open
  const std::string& path() const { return path_; }
  int step() const { return step_; }                // 0-based

  // This frame's NextStep / PreviousStep commands move the step (clamped to the lesson). When it
  // moved, `edit` becomes the new step's scene with how the room sees the window kept from
  // `current` (UI scale, side panel, help overlay, presenter mode): a lecturer who enlarged the
  // UI or left presenter mode keeps that. Returns whether it moved.
  bool navigate(std::span<const Command> commands, const Scene& current, Scene& edit);

  // The current step's claims (core/lesson/claims.h) checked against the window's own run, once
  // it finished: computed once per run (a few tens of milliseconds); before the run ends, what
  // they state, pending (so the lesson strip has its final height from the first frame); null
  // when the step claims nothing. `generation` is the particles' (it bumps on every restart).
  // `model_steps`: the training steps of the model the run followed when it ended, said beside
  // the value of a step whose claims are of a trained model (claims_train_steps), since the
  // window trains live and a run may end before its model has had the steps the claim is for.
  // `learned`: the learned score now (null before the first snapshot), for score_error claims.
  // `compare`: the comparison run's final particles (Scene::compare_sampler), else null.
  const std::vector<ClaimCheck>* claim_checks(const Scene& scene, const Points& final_particles,
                                              const Points* compare, bool finished, long generation,
                                              long model_steps, const ScoreModel* learned);

  // Called every frame with the particles' generation and the model's training steps: true once,
  // when the current step's claims are of a trained model (claims_train_steps = N), the model has
  // just reached N steps and the run on screen began before it did. The window then starts the
  // next run, so the picture shows a run on the model the claims are about without a key press;
  // until then that step's claims read as pending, not as a failure of a half-trained model.
  bool restart_for_claims(long generation, long model_steps);

 private:
  // The step's claims need a trained model and the run `generation` began before it had
  // claims_train_steps: its numbers are not the ones claimed.
  bool run_predates_claim_model(long generation) const;
  long run_ = -1;                 // the generation last seen ...
  long run_start_steps_ = 0;      // ... and the model's training steps when it was first seen
  int restarted_step_ = -1;       // the step that was restarted for its claims (once per visit)

  struct Checked {
    int step = -1;
    long generation = -1;
    std::vector<ClaimCheck> checks;
  } checked_, stated_;  // the last run's verdicts; the step's claims before its run has ended
  Lesson lesson_;
  std::string path_;
  int step_ = 0;
  bool open_ = false;
};

// One file of the Lessons menu: its title, or why it does not load.
struct LessonEntry {
  std::string path;
  std::string title;  // empty when it does not load
  std::string error;  // the reader's message when it does not load
};

// Every lesson of `dir` (lesson_files), each read in full so a broken one shows its message.
std::vector<LessonEntry> read_lesson_catalogue(const std::string& dir);

// The folder of the shipped lessons: assets/lessons beside the executable or in one of its
// ancestors (the build tree sits in the source tree: build/release/app/scorelab), or "" if none.
std::string find_lesson_dir();

}  // namespace scorelab::app
