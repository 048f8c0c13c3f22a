// The scorelab command line: `scorelab <command> [flags]`, usable without a window.
#pragma once
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace scorelab::cli {

struct Command;  // command.h

// Runs one command line (args exclude the program name). Results go to `out`, progress and
// errors to `err`. Returns the process exit code: 0 success, 1 failure, 2 bad usage.
// `extra` adds commands defined outside this library (export, which needs OpenGL and lives with
// the window code); they are listed and dispatched like the built-in ones.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        std::span<const Command* const> extra = {});

}  // namespace scorelab::cli
