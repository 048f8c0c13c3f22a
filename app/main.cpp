// scorelab's entry point: every command goes through the command-line table in app/cli.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return scorelab::cli::run(args, std::cout, std::cerr);
}
