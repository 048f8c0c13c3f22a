// The lesson player (see lesson_player.h).
#include "app/state/lesson_player.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/common/error.h"

namespace scorelab::app {

Scene LessonPlayer::open(Lesson lesson, std::string path, int step) {
  lesson_ = std::move(lesson);
  path_ = std::move(path);
  step_ = std::clamp(step, 0, int(lesson_.steps.size()) - 1);
  open_ = true;
  restarted_step_ = -1;  // a newly opened lesson's trained-claims step restarts its run again
  return lesson_.steps[std::size_t(step_)].scene;
}

bool LessonPlayer::navigate(std::span<const Command> commands, const Scene& current, Scene& edit) {
  if (!open_) return false;
  int step = step_;
  for (Command c : commands) {
    if (c == Command::NextStep) step = std::min(step + 1, int(lesson_.steps.size()) - 1);
    if (c == Command::PreviousStep) step = std::max(step - 1, 0);
  }
  if (step == step_) return false;
  step_ = step;
  restarted_step_ = -1;
  // The viewer's display settings stay theirs (FieldRole::Display); the rest is the step's.
  edit = with_fields_of(lesson_.steps[std::size_t(step_)].scene, current, {FieldRole::Display});
  return true;
}

std::vector<LessonEntry> read_lesson_catalogue(const std::string& dir) {
  std::vector<LessonEntry> entries;
  for (const std::string& path : lesson_files(dir)) {
    LessonEntry e{path, "", ""};
    try {
      e.title = load_lesson(path).title;
    } catch (const InputError& error) {
      e.error = error.what();
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string find_lesson_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  std::filesystem::path dir = exe.parent_path();
  for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
    const std::filesystem::path lessons = dir / "assets" / "lessons";
    if (std::filesystem::is_directory(lessons, ec)) return lessons.string();
    if (dir == dir.parent_path()) break;
  }
  return "";
}

const std::vector<ClaimCheck>* LessonPlayer::claim_checks(const Scene& scene,
                                                          const Points& final_particles,
                                                          const Points* compare, bool finished,
                                                          long generation, long model_steps,
                                                          const ScoreModel* learned) {
  if (!open_) return nullptr;
  const LessonStep& step = lesson_.steps[std::size_t(step_)];
  if (step.claims.empty()) return nullptr;
  if (!finished) {  // what the step claims, from its first frame: the strip keeps its height
    if (stated_.step != step_) {
      stated_ = {step_, -1, {}};
      for (const Claim& c : step.claims) {
        ClaimCheck k;
        k.stated = claim_statement(c);
        k.measured =
            step.claims_train_steps > 0
                ? "measured after " + std::to_string(step.claims_train_steps) + " training steps"
                : "measured when the run ends";
        k.pending = true;
        stated_.checks.push_back(k);
      }
    }
    return &stated_.checks;
  }
  if (checked_.step != step_ || checked_.generation != generation) {
    // The scene as the window runs it (a lecturer may have edited it since the step opened):
    // the claims are then checked against what is on screen, and may fail, as they should.
    checked_ = {step_, generation, {}};
    try {
      checked_.checks = check_claims(step.claims, scene, final_particles, learned, 1, compare);
      if (step.claims_train_steps > 0)
        for (ClaimCheck& c : checked_.checks) {
          if (run_predates_claim_model(generation)) {
            c.pending = true;
            c.measured = "waiting for the model's " + std::to_string(step.claims_train_steps) +
                         " training steps (now " + std::to_string(model_steps) + ")";
          } else {
            c.measured += " (model: " + std::to_string(run_start_steps_) + "–" +
                          std::to_string(model_steps) + " training steps)";
          }
        }
    } catch (const InputError&) {
      checked_.checks.clear();  // the edited scene lost what the claims need (mixture data)
    }
  }
  return checked_.checks.empty() ? nullptr : &checked_.checks;
}

bool LessonPlayer::run_predates_claim_model(long generation) const {
  const LessonStep& step = lesson_.steps[std::size_t(step_)];
  return step.claims_train_steps > 0 && generation == run_ &&
         run_start_steps_ < step.claims_train_steps;
}

bool LessonPlayer::restart_for_claims(long generation, long model_steps) {
  if (generation != run_) {
    run_ = generation;
    run_start_steps_ = model_steps;
  }
  if (!open_ || restarted_step_ == step_) return false;
  const LessonStep& step = lesson_.steps[std::size_t(step_)];
  if (step.claims.empty()) return false;
  if (!run_predates_claim_model(generation) || model_steps < step.claims_train_steps) return false;
  restarted_step_ = step_;
  checked_ = {};  // the pending checks of the run being replaced
  return true;
}

}  // namespace scorelab::app
