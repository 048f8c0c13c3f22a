// The pieces every command shares: its flag specs, the parsed flags, and its table entry.
//
// A command is a Command value returned by a function in its own file (sample.cpp, bench.cpp);
// cli.cpp lists those functions, so adding a command is one new file and one line there.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scorelab::cli {

// Bad command-line usage (exit code 2); the message is shown with a pointer to --help.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct FlagSpec {
  std::string_view name;   // with dashes, e.g. "--scene"
  std::string_view value;  // placeholder of its value ("FILE"); empty for a switch
  std::string_view help;   // one or two lines for `scorelab <command> --help`
};

// Flags parsed against a command's specs: `--name value`, `--name=value` or a bare switch.
class Flags {
 public:
  // Throws UsageError for an unknown flag, a missing value, a value given to a switch, a repeated
  // flag or a positional argument.
  Flags(const std::vector<std::string>& args, std::span<const FlagSpec> specs);

  bool has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
  std::string text(std::string_view name) const;  // the value; throws UsageError when missing
  // The value as an integer in [lo, hi]; throws UsageError when missing or not one.
  std::int64_t integer(std::string_view name, std::int64_t lo, std::int64_t hi) const;
  std::uint64_t unsigned_integer(std::string_view name) const;       // any value in [0, 2^64)
  double number(std::string_view name, double lo, double hi) const;  // a finite value in [lo, hi]
  // "WxH" with both sides integers in [lo, hi], e.g. --size 800x600.
  std::pair<int, int> size(std::string_view name, int lo, int hi) const;

 private:
  std::map<std::string, std::string> values_;
};

struct Command {
  std::string_view name;            // what follows `scorelab`
  std::string_view summary;         // one line for `scorelab --help`
  std::string_view usage;           // the synopsis after `scorelab <name>`
  std::string_view details;         // paragraphs for `scorelab <name> --help` (may be empty)
  std::span<const FlagSpec> flags;  // every flag except --help, which every command has
  // Runs with parsed flags; InputError and other failures propagate (exit 1).
  int (*run)(const Flags& flags, std::ostream& out, std::ostream& err);
};

const Command& sample_command();
const Command& bench_command();
const Command& train_command();
const Command& likelihood_command();

}  // namespace scorelab::cli
