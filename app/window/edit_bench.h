// `scorelab bench-edit`: the cost of one slider edit through the window's state (JSON). A command
// of the window code, registered with the command line by main.cpp, because headless commands
// (app/cli) know no window state.
#pragma once
#include "app/cli/command.h"

namespace scorelab::window {

const cli::Command& edit_bench_command();

}  // namespace scorelab::window
