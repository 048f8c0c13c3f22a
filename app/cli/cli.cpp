// The command table and the dispatcher: `scorelab <command> [flags]`, help texts, exit codes.
#include "app/cli/cli.h"

#include <cctype>

#include <algorithm>
#include <exception>
#include <new>
#include <ostream>

#include "app/cli/command.h"
#include "core/common/error.h"

namespace scorelab::cli {
namespace {

// Every command, in the order `scorelab --help` lists them.
constexpr const Command& (*kCommands[])() = {sample_command, train_command, likelihood_command,
                                                      bench_command};

constexpr int kOk = 0, kFailure = 1, kUsage = 2;

bool is_help(const std::string& arg) {
  return arg == "--help" || arg == "-h";
}

void print_overview(std::ostream& out, std::span<const Command* const> commands) {
  out << "scorelab: a lab for score-based generative models (NCSN, score SDEs) on 2-D data.\n\n"
         "Usage: scorelab <command> [flags]\n"
         "       scorelab [FILE.json | --scene FILE | --lesson FILE [--step K]] [--size WxH]\n"
         "                [--presenter] [--frames N [--screenshot out.png] [--particles-out p.csv]\n"
         "                [--export anim.gif] [--press 10:R,20:F] [--save session.json]\n"
         "                [--ui-report items.json]]\n"
         "       scorelab --bench-frames N [--paced] [--scene FILE] [--size WxH]\n"
         "  Without a command, scorelab opens the visualizer window (no arguments: the default\n"
         "  scene, 8-Gaussian ring, training on; FILE.json: a saved session, with its model if\n"
         "  saved with one; --size 16 to 4096 per side, as for export).\n"
         "  --presenter starts in presenter mode (key P toggles it): a large vector font (DejaVu\n"
         "  Sans), the plot the whole width (key C shows the sampler's controls), high-contrast\n"
         "  colours, thicker lines and points; it fits windows from 1280x720 to 3840x2160.\n"
         "  --frames runs N frames and exits (--screenshot writes the last one as PNG,\n"
         "  --particles-out the particles as CSV; --export starts the Export panel's export to\n"
         "  that path and keeps running until it is written; --press types keys at given\n"
         "  frames; --save saves the session as File > Save). --bench-frames prints frame-time\n"
         "  JSON (p50/p95 ms, training steps/s, sampler restarts: a finished run starts the next\n"
         "  one); frames are drawn back to back, or with --paced at the display's rate as\n"
         "  interactive runs are. --ui-report (tests) writes the last frame's labelled widgets\n"
         "  with their rectangles and text sizes as JSON. --lesson opens a lesson\n"
         "  (assets/lessons/*.json) at step K (default 1), as the Lessons menu does:\n"
         "    scorelab --lesson assets/lessons/02_langevin.json --step 2 --frames 120 \\\n"
         "             --screenshot s.png\n\n"
         "Commands:\n";
  for (const Command* command : commands) {
    const Command& c = *command;
    out << "  " << c.name << std::string(10 - std::min<std::size_t>(c.name.size(), 8), ' ')
        << c.summary << "\n";
  }
  out << "\nRun 'scorelab <command> --help' for the flags of a command.\n"
         "Exit codes: 0 success, 1 failure (bad scene, unwritable output, ...), 2 bad usage.\n";
}

// The usage block: the command's synopsis, then every flag the synopsis leaves out, generated from
// its specs, so the usage names every flag the command parses (a flag cannot hide from it).
void print_usage(const Command& c, std::ostream& out) {
  out << "Usage: scorelab " << c.name << " " << c.usage << "\n";
  std::string more;
  for (const FlagSpec& f : c.flags) {
    const std::string name(f.name);
    const std::size_t at = c.usage.find(name);
    const bool named = at != std::string_view::npos &&
                       (at + name.size() == c.usage.size() ||
                        !(std::isalnum(static_cast<unsigned char>(c.usage[at + name.size()])) ||
                          c.usage[at + name.size()] == '-'));
    if (named) continue;
    std::string item = "[" + name;
    if (!f.value.empty()) item.append(" ").append(f.value);
    item += "]";
    // Wrapped under the synopsis at 90 columns.
    const std::size_t line_start = more.rfind('\n') == std::string::npos ? 0 : more.rfind('\n') + 1;
    if (!more.empty() && more.size() - line_start + item.size() + 1 > 80) more += "\n      ";
    more.append(" ").append(item);
  }
  if (!more.empty()) out << "      " << more << "\n";
}

void print_command_help(const Command& c, std::ostream& out) {
  print_usage(c, out);
  out << "\n" << c.summary << "\n";
  if (!c.details.empty()) out << "\n" << c.details << "\n";
  out << "\nFlags:\n";
  std::size_t width = 6;  // "--help"
  for (const FlagSpec& f : c.flags)
    width = std::max(width, f.name.size() + (f.value.empty() ? 0 : f.value.size() + 1));
  const auto line = [&](std::string head, std::string_view help) {
    head.resize(width + 2, ' ');
    out << "  " << head;
    // Continuation lines of a help text line up under its first line.
    for (char ch : help) {
      out << ch;
      if (ch == '\n') out << std::string(width + 4, ' ');
    }
    out << "\n";
  };
  for (const FlagSpec& f : c.flags) {
    std::string head(f.name);
    if (!f.value.empty()) head.append(1, ' ').append(f.value);
    line(head, f.help);
  }
  line("--help", "show this text");
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        std::span<const Command* const> extra) {
  std::vector<const Command*> commands;
  for (const auto& c : kCommands) commands.push_back(&c());
  commands.insert(commands.end(), extra.begin(), extra.end());
  // main() sends no arguments to the window; here (in-process) they ask for the overview.
  if (args.empty() || is_help(args[0]) || args[0] == "help") {
    print_overview(out, commands);
    return kOk;
  }
  const Command* command = nullptr;
  for (const Command* c : commands)
    if (c->name == args[0]) command = c;
  if (!command) {
    err << "scorelab: unknown command '" << args[0] << "'\nRun 'scorelab --help' for usage.\n";
    return kUsage;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (std::any_of(rest.begin(), rest.end(), is_help)) {
    print_command_help(*command, out);
    return kOk;
  }
  const std::string prefix = "scorelab " + std::string(command->name) + ": ";
  try {
    const Flags flags(rest, command->flags);
    return command->run(flags, out, err);
  } catch (const UsageError& e) {
    err << prefix << e.what() << "\nRun 'scorelab " << command->name << " --help' for usage.\n";
    return kUsage;
  } catch (const std::bad_alloc&) {
    // The cost check (core/scene/limits.h) refuses what the budget cannot hold; this is what is
    // left when the machine has less free memory than the budget assumes.
    err << prefix
        << "out of memory: this machine could not give the run the memory it needs; make the "
           "scene smaller (particles, model width / depth, train.batch) or free some memory\n";
    return kFailure;
  } catch (const std::exception& e) {
    // InputError (bad scene, unwritable file) and anything unexpected: exit 1.
    err << prefix << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace scorelab::cli
