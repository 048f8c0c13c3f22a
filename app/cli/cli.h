// The scorelab command line: `scorelab <command> [flags]`, usable without a window.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace scorelab::cli {

// Runs one command line (args exclude the program name). Results go to `out`, progress and
// errors to `err`. Returns the process exit code: 0 success, 1 failure, 2 bad usage.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace scorelab::cli
