// The README's commands can be copied (issue 27: `S.json` and `pts.csv` were never made, `bench
// --help` hid flags the README used): every indented `scorelab …` line of the README names a
// command the real binary has, only flags that command lists (the window's in the top-level
// help), and input files that exist in the repository or that another README command writes;
// and its sample, train and likelihood commands run, in the README's order, as written but for
// the reductions stated below (the window and export commands have their own tests:
// tests/window, tests/app/export_test.cpp).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_testing.h"

namespace {

const std::string kSource = SCORELAB_SOURCE_DIR;

struct ReadmeCommand {
  int line = 0;
  std::vector<std::string> words;  // after "scorelab", comment and [optional] brackets removed
  std::vector<std::string> run;    // as a reader runs it: the [optional] parts left out
};

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The README's indented `scorelab` lines. A synopsis line (with "|", a choice) is not a command.
std::vector<ReadmeCommand> readme_commands() {
  std::ifstream in(kSource + "/README.md");
  REQUIRE(in);
  std::vector<ReadmeCommand> out;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.rfind("    scorelab", 0) != 0 || line.find(" | ") != std::string::npos) continue;
    std::string text = line.substr(4);
    if (const std::size_t hash = text.find("  #"); hash != std::string::npos) text.resize(hash);
    std::string required;  // without the [optional] parts
    int depth = 0;
    for (char c : text) {
      depth += c == '[';
      if (depth == 0) required += c;
      depth -= c == ']' && depth > 0;
    }
    for (char& c : text)
      if (c == '[' || c == ']') c = ' ';
    ReadmeCommand c{number, split_words(text), split_words(required)};
    c.words.erase(c.words.begin());  // "scorelab"
    c.run.erase(c.run.begin());
    out.push_back(c);
  }
  return out;
}

// FILE.json, N: a value the reader chooses, in capitals (a word of them: "S.json" is a file the
// reader cannot guess).
bool is_placeholder(const std::string& w) {
  const std::string stem = w.substr(0, w.find('.'));
  for (char c : stem)
    if (!std::isupper(static_cast<unsigned char>(c))) return false;
  return stem.size() >= 2 || w.find('.') == std::string::npos;
}

}  // namespace

TEST_CASE("readme: every scorelab command names real flags and files that exist or are made") {
  const std::vector<ReadmeCommand> commands = readme_commands();
  REQUIRE(commands.size() >= 25);
  // What the README's commands write (inputs of later ones, in any order: a section may use a
  // model the command-line section trains).
  std::set<std::string> made;
  for (const ReadmeCommand& c : commands)
    for (std::size_t i = 0; i + 1 < c.words.size(); ++i)
      if (c.words[i] == "--out" || c.words[i] == "--save") made.insert(c.words[i + 1]);
  const std::string top = cli_testing::real_binary_output("--help");
  for (const ReadmeCommand& c : commands) {
    if (c.words.empty()) continue;
    std::string joined;
    for (const std::string& w : c.words) joined += w + " ";
    INFO("README.md:" << c.line << ": scorelab " << joined);
    const bool window =
        c.words[0].rfind("--", 0) == 0 || c.words[0].find(".json") != std::string::npos;
    const std::string help = window ? top : cli_testing::real_binary_output(c.words[0] + " --help");
    if (!window) REQUIRE_MESSAGE(help.find("\nFlags:\n") != std::string::npos, "no such command");
    for (std::size_t i = window ? 0 : 1; i < c.words.size(); ++i) {
      const std::string& w = c.words[i];
      if (w.rfind("--", 0) == 0) {
        // A listed flag: "  --flag" in a command's list, anywhere in the top-level help.
        CHECK_MESSAGE(help.find(window ? w : "  " + w) != std::string::npos, w << " is no flag");
        continue;
      }
      const std::string previous = i > 0 ? c.words[i - 1] : "";
      const bool input = previous == "--scene" || previous == "--model" || previous == "--points" ||
                         previous == "--lesson" || (window && i == 0);
      if (!input || is_placeholder(w)) continue;
      const bool exists = std::filesystem::exists(kSource + "/" + w);
      CHECK_MESSAGE((exists || made.count(w)),
                    w << " neither exists nor is made by a README command");
    }
  }
}

// Runs the README's sample, train and likelihood commands in a fresh directory where `assets` is
// the repository's, in the README's order, each as written except (so that the test takes
// seconds): `train --steps` at most 200, `likelihood --grid` 8x8 and `--test-n` 50, and `sample`
// with `--n 200` where it sets no count. Each must exit 0 and write its --out.
TEST_CASE("readme: its sample, train and likelihood commands run in the README's order") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("scorelab_readme_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(kSource + "/assets", dir / "assets");
  int ran = 0;
  for (const ReadmeCommand& c : readme_commands()) {
    if (c.run.empty()) continue;
    const std::string& command = c.run[0];
    if (command != "sample" && command != "train" && command != "likelihood") continue;
    std::vector<std::string> args = c.run;
    bool has_n = false;
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--steps") args[i + 1] = std::to_string(std::min(200, std::stoi(args[i + 1])));
      if (args[i] == "--grid") args[i + 1] = "8x8";
      has_n |= args[i] == "--n";
    }
    if (command == "sample" && !has_n) args.insert(args.end(), {"--n", "200"});
    if (command == "likelihood") args.insert(args.end(), {"--test-n", "50"});
    std::string line = "cd '" + dir.string() + "' && '" + SCORELAB_BINARY + "'";
    for (const std::string& a : args) line += " '" + a + "'";
    INFO("README.md:" << c.line << ": " << line);
    CHECK(std::system((line + " >/dev/null 2>&1").c_str()) == 0);
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "--out") CHECK(fs::exists(dir / args[i + 1]));
    ++ran;
  }
  CHECK(ran >= 10);
}
