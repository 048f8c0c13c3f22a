// The README's commands can be copied (issue 27: `S.json` and `pts.csv` were never made, `bench
// --help` hid flags the README used): every indented `scorelab …` line of the README names a
// command the real binary has, only flags that command lists (the window's in the top-level
// help), and input files that exist in the repository or that another README command writes;
// and its sample, train and likelihood commands run, in the README's order, as written but for
// readme::reduced's reductions (tests/readme/readme_commands.h); the window and export lines run
// under xvfb in tests/window/readme_window_test.cpp.
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

#include "app/cli_testing.h"
#include "readme/readme_commands.h"

namespace {

const std::string kSource = SCORELAB_SOURCE_DIR;

}  // namespace

TEST_CASE("readme: every scorelab command names real flags and files that exist or are made") {
  const std::vector<readme::Command> commands = readme::commands(kSource + "/README.md");
  REQUIRE(commands.size() >= 25);
  // What the README's commands write (inputs of later ones, in any order: a section may use a
  // model the command-line section trains).
  std::set<std::string> made;
  for (const readme::Command& c : commands)
    for (const std::string& file : readme::outputs(c.words)) made.insert(file);
  const std::string top = cli_testing::real_binary_output("--help");
  for (const readme::Command& c : commands) {
    if (c.words.empty()) continue;
    std::string joined;
    for (const std::string& w : c.words) joined += w + " ";
    INFO("README.md:" << c.line << ": scorelab " << joined);
    const bool window = c.window();
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
      if (!input || readme::is_placeholder(w)) continue;
      const bool exists = std::filesystem::exists(kSource + "/" + w);
      CHECK_MESSAGE((exists || made.count(w)),
                    w << " neither exists nor is made by a README command");
    }
  }
}

// Runs the README's sample, train and likelihood commands in a fresh directory where `assets` is
// the repository's, in the README's order, each as written but for readme::reduced's reductions
// (so that the test takes seconds). Each must exit 0 and write its --out.
TEST_CASE("readme: its sample, train and likelihood commands run in the README's order") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("scorelab_readme_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(kSource + "/assets", dir / "assets");
  int ran = 0;
  for (const readme::Command& c : readme::commands(kSource + "/README.md")) {
    if (c.run.empty() || c.window()) continue;
    const std::string& command = c.run[0];
    if (command != "sample" && command != "train" && command != "likelihood") continue;
    const std::vector<std::string> args = readme::reduced(c);
    std::string line = "cd '" + dir.string() + "' && '" + SCORELAB_BINARY + "'";
    for (const std::string& a : args) line += " '" + a + "'";
    INFO("README.md:" << c.line << ": " << line);
    CHECK(std::system((line + " >/dev/null 2>&1").c_str()) == 0);
    for (const std::string& file : readme::outputs(args)) CHECK(fs::exists(dir / file));
    ++ran;
  }
  CHECK(ran >= 10);
  fs::remove_all(dir);
}
