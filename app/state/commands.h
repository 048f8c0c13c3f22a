// Commands: the actions that are not a plain edit of a setting. Keys and buttons post the same
// Command values, and AppContext::submit runs them right after the frame's scene edit: one channel
// from input to state, so a key and its button can never disagree.
#pragma once
#include <string_view>

namespace scorelab::app {

enum class Command {
  PlayPause,       // Space: play / pause the particles; a finished run starts again (paused: the
                   // same run; playing: the next one)
  StepSampler,     // S: pause, then one sampler step
  NextRun,         // R: restart the sampler with the next run's noise (ui.run + 1), playing
  ToggleTraining,  // T: training on / off
  TrainStep,       // pause training, then one training step
  ResetTraining,   // fresh weights (same settings)
  ToggleHelp,      // H: the shortcut overlay
  TogglePanels,    // Tab: side panel and status bar
};

// For messages and tests.
constexpr std::string_view command_name(Command c) {
  switch (c) {
    case Command::PlayPause: return "play/pause";
    case Command::StepSampler: return "step sampler";
    case Command::NextRun: return "next run";
    case Command::ToggleTraining: return "toggle training";
    case Command::TrainStep: return "train step";
    case Command::ResetTraining: return "reset training";
    case Command::ToggleHelp: return "toggle help";
    case Command::TogglePanels: return "toggle panels";
  }
  return "?";
}

}  // namespace scorelab::app
