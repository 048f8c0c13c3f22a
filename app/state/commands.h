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
  ToggleControls,  // C: presenter mode's side panel (hidden by default: the plot is the slide)
  Undo,            // Ctrl+Z: the edit before (app/state/edit_history.h)
  Redo,            // Ctrl+Y: the edit undone last
  NextStep,        // → / Page Down: the open lesson's next step
  PreviousStep,    // ← / Page Up: the open lesson's previous step
  TogglePresenter, // P: presenter mode (ui.presenter)
  ComputeModelDensity,  // M: (re)compute the model-density map of the learned panels
  CancelModelDensity,   // stop that computation
  ShowQuality,          // the quality readout shows this frame: the next update keeps measuring
};

// The keys that post commands, with what the help overlay says of them. Key codes are GLFW's
// (for letters and Space, their ASCII codes; app/ui/input.cpp checks them against GLFW's names).
struct KeyBinding {
  int glfw_key;
  const char* key_name;  // as the help overlay shows it
  Command command;
  const char* help;
  bool ctrl = false;  // with Ctrl held (a plain key then requires Ctrl up)
};
inline constexpr int kGlfwKeyTab = 258;       // GLFW_KEY_TAB
inline constexpr int kGlfwKeyRight = 262;     // GLFW_KEY_RIGHT
inline constexpr int kGlfwKeyLeft = 263;      // GLFW_KEY_LEFT
inline constexpr int kGlfwKeyPageUp = 266;    // GLFW_KEY_PAGE_UP
inline constexpr int kGlfwKeyPageDown = 267;  // GLFW_KEY_PAGE_DOWN
inline constexpr KeyBinding kKeyBindings[] = {
    {' ', "Space", Command::PlayPause, "play / pause the particles (restarts a finished run)"},
    {'S', "S", Command::StepSampler, "one sampler step"},
    {'R', "R", Command::NextRun, "restart the sampler with the next run's noise"},
    {'T', "T", Command::ToggleTraining, "training on / off"},
    {'H', "H", Command::ToggleHelp, "this help"},
    {'M', "M", Command::ComputeModelDensity,
     "compute the learned model's density (model density layer) for the current view and step"},
    {kGlfwKeyTab, "Tab", Command::TogglePanels, "show / hide the side panel"},
    {'Z', "Ctrl+Z", Command::Undo, "undo the last edit of data or settings", true},
    {'Y', "Ctrl+Y", Command::Redo, "redo", true},
    // A presenter's clicker sends Page Down / Page Up.
    {kGlfwKeyRight, "Right", Command::NextStep, "lesson: next step"},
    {kGlfwKeyPageDown, "PgDn", Command::NextStep, "lesson: next step"},
    {kGlfwKeyLeft, "Left", Command::PreviousStep, "lesson: previous step"},
    {kGlfwKeyPageUp, "PgUp", Command::PreviousStep, "lesson: previous step"},
    {'P', "P", Command::TogglePresenter, "presenter mode: large font, high contrast"},
    {'C', "C", Command::ToggleControls, "presenter mode: show / hide the controls (side panel)"},
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
    case Command::ToggleControls: return "toggle controls";
    case Command::Undo: return "undo";
    case Command::Redo: return "redo";
    case Command::NextStep: return "next step";
    case Command::PreviousStep: return "previous step";
    case Command::TogglePresenter: return "toggle presenter";
    case Command::ComputeModelDensity: return "compute model density";
    case Command::CancelModelDensity: return "cancel model density";
    case Command::ShowQuality: return "show quality";
  }
  return "?";
}

}  // namespace scorelab::app
