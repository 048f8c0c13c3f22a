// scorelab's entry point: no arguments or a window flag first (--scene, --frames, ...) open the
// visualizer window; every other command goes through the command-line table in app/cli, plus
// the two that need what headless commands lack: `export` (OpenGL) and `bench-edit` (the
// window's state).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "app/cli/export_command.h"
#include "app/window/edit_bench.h"
#include "app/window/options.h"
#include "app/window/window.h"
#include "core/common/error.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!scorelab::window::is_window_command(args)) {
    const scorelab::cli::Command* const window_commands[] = {
        &scorelab::exporting::export_command(), &scorelab::window::edit_bench_command()};
    return scorelab::cli::run(args, std::cout, std::cerr, window_commands);
  }
  scorelab::window::Options options;
  try {
    options = scorelab::window::parse_options(args);
  } catch (const scorelab::InputError& e) {
    std::cerr << "scorelab: " << e.what() << "\n" << scorelab::window::kUsage;
    return 2;
  }
  try {
    return scorelab::window::run(options, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "scorelab: " << e.what() << "\n";
    return 1;
  }
}
