// The README's `scorelab` command lines, as a test reads and runs them (issue 27: the README runs
// as a test). Shared by the command-line test (tests/app/readme_commands_test.cpp: flags, files,
// and the sample / train / likelihood lines run) and the window test
// (tests/window/readme_window_test.cpp: the window and export lines run under xvfb).
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace readme {

struct Command {
  int line = 0;                    // README.md's line number
  std::vector<std::string> words;  // after "scorelab", comment and [optional] brackets removed
  std::vector<std::string> run;    // as a reader runs it: the [optional] parts left out
  // Headless commands (sample, train, likelihood, …) name a command first; the window's lines
  // start with a flag or a scene file.
  bool window() const {
    return !words.empty() &&
           (words[0].rfind("--", 0) == 0 || words[0].find(".json") != std::string::npos);
  }
};

inline std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The README's indented `scorelab` lines. A synopsis line (with "|", a choice) is not a command.
inline std::vector<Command> commands(const std::string& readme_path) {
  std::ifstream in(readme_path);
  REQUIRE(in);
  std::vector<Command> out;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.rfind("    scorelab", 0) != 0 || line.find(" | ") != std::string::npos) continue;
    std::string text = line.substr(4);
    // A shell comment: from a word that starts with '#'.
    if (const std::size_t hash = text.find(" #"); hash != std::string::npos) text.resize(hash);
    std::string required;  // without the [optional] parts
    int depth = 0;
    for (char c : text) {
      depth += c == '[';
      if (depth == 0) required += c;
      depth -= c == ']' && depth > 0;
    }
    for (char& c : text)
      if (c == '[' || c == ']') c = ' ';
    Command c{number, split_words(text), split_words(required)};
    c.words.erase(c.words.begin());  // "scorelab"
    c.run.erase(c.run.begin());
    out.push_back(c);
  }
  return out;
}

// FILE.json, N: a value the reader chooses, in capitals (a word of them: "S.json" is a file the
// reader cannot guess).
inline bool is_placeholder(const std::string& w) {
  const std::string stem = w.substr(0, w.find('.'));
  for (char c : stem)
    if (!std::isupper(static_cast<unsigned char>(c))) return false;
  return stem.size() >= 2 || w.find('.') == std::string::npos;
}

// A command's arguments as the test runs them: as written, but smaller, so the whole README runs
// in seconds. The reductions, stated once:
//   train --steps ≤ 200; likelihood --grid 8x8 and --test-n 50; sample --n 200 where unset;
//   window --frames ≤ 3 and --bench-frames ≤ 10;
//   export --frames ≤ 3 (3 where unset), each side of --size ≤ 160 (160x160 where unset),
//   --train-steps ≤ 10, --through-training ≤ 400 (its frames are its snapshots: no --frames).
inline std::vector<std::string> reduced(const Command& c) {
  std::vector<std::string> args = c.run;
  const std::string command = c.window() ? "" : args[0];
  const auto cap = [](std::string& value, int most) {
    value = std::to_string(std::min(most, std::stoi(value)));
  };
  bool has_n = false, has_frames = false, has_size = false, through_training = false;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const std::string& flag = args[i];
    std::string& value = args[i + 1];
    has_n |= flag == "--n";
    has_frames |= flag == "--frames";
    has_size |= flag == "--size";
    if (command == "train" && flag == "--steps") cap(value, 200);
    if (command == "likelihood" && flag == "--grid") value = "8x8";
    if ((c.window() || command == "export") && flag == "--frames") cap(value, 3);
    if (flag == "--bench-frames") cap(value, 10);
    if (flag == "--train-steps") cap(value, 10);
    if (flag == "--through-training") cap(value, 400), through_training = true;
    if (command == "export" && flag == "--size") {
      const std::size_t x = value.find('x');
      value = std::to_string(std::min(160, std::stoi(value.substr(0, x)))) + "x" +
              std::to_string(std::min(160, std::stoi(value.substr(x + 1))));
    }
  }
  if (command == "sample" && !has_n) args.insert(args.end(), {"--n", "200"});
  if (command == "likelihood") args.insert(args.end(), {"--test-n", "50"});
  if (command == "export" && !has_frames && !through_training)
    args.insert(args.end(), {"--frames", "3"});
  if (command == "export" && !has_size) args.insert(args.end(), {"--size", "160x160"});
  return args;
}

// The values `args` gives any of `flags` (e.g. {"--out"}: the files it writes).
inline std::vector<std::string> values_of(const std::vector<std::string>& args,
                                          std::initializer_list<std::string_view> flags) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (std::find(flags.begin(), flags.end(), args[i]) != flags.end())
      values.push_back(args[i + 1]);
  return values;
}

// The files a command reads, and those it writes.
inline std::vector<std::string> inputs(const std::vector<std::string>& args) {
  return values_of(args, {"--scene", "--model", "--points", "--lesson"});
}
inline std::vector<std::string> outputs(const std::vector<std::string>& args) {
  return values_of(args, {"--out", "--save", "--screenshot", "--export"});
}

}  // namespace readme
