// The command line driven in-process (exit codes, outputs, atomic writes), the shipped scenes,
// and one run of the real binary.
#include <doctest/doctest.h>

#include <cctype>
#include <set>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "cli_testing.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/scene/scene.h"

namespace fs = std::filesystem;
using scorelab::InputError;
using namespace cli_testing;

namespace {

// A quick scene: 60 plain Langevin steps on the ring.
constexpr const char* kSmallScene = R"({
  "particles": 50,
  "data": {"dataset": "ring8"},
  "sampler": {"kind": "langevin", "step_size": 0.01, "steps": 60}
})";

}  // namespace

TEST_CASE("--help lists the commands — <command> --help documents every flag") {
  const Result top = run({"--help"});
  CHECK(top.code == 0);
  CHECK(top.out.find("sample") != std::string::npos);
  CHECK(top.out.find("bench") != std::string::npos);
  CHECK(run({"-h"}).out == top.out);

  const Result sample = run({"sample", "--help"});
  CHECK(sample.code == 0);
  for (const char* flag :
       {"--scene", "--out", "--n", "--seed", "--trajectories", "--trajectory-particles", "--help"})
    CHECK_MESSAGE(sample.out.find(flag) != std::string::npos, flag);
  const Result bench = run({"bench", "--help"});
  CHECK(bench.code == 0);
  CHECK(bench.out.find("--quick") != std::string::npos);
}

TEST_CASE("sample writes one finite row per particle, and the seed makes it reproducible") {
  const TempDir dir;
  const std::string scene = dir.file("small.json", kSmallScene);
  const std::string a = dir.file("a.csv"), b = dir.file("b.csv"), c = dir.file("c.csv");
  const Result r = run({"sample", "--scene", scene, "--out", a, "--n", "37", "--seed", "5"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("37 particles") != std::string::npos);
  const std::vector<std::string> rows = lines(read(a));
  REQUIRE(rows.size() == 38);
  CHECK(rows[0] == "x,y");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    float x = NAN, y = NAN;
    REQUIRE(std::sscanf(rows[i].c_str(), "%f,%f", &x, &y) == 2);
    CHECK(std::isfinite(x));
    CHECK(std::isfinite(y));
  }
  CHECK(run({"sample", "--scene", scene, "--out", b, "--n", "37", "--seed", "5"}).code == 0);
  CHECK(read(a) == read(b));
  CHECK(run({"sample", "--scene", scene, "--out", c, "--n=37", "--seed=6"}).code == 0);
  CHECK(read(a) != read(c));
}

TEST_CASE("sample --trajectories records every step of the first K particles") {
  const TempDir dir;
  const std::string scene = dir.file("small.json", kSmallScene);
  const std::string out = dir.file("o.csv"), traj = dir.file("t.csv");
  REQUIRE(run({"sample", "--scene", scene, "--out", out, "--trajectories", traj,
               "--trajectory-particles", "3"})
              .code == 0);
  const std::vector<std::string> rows = lines(read(traj));
  REQUIRE(rows.size() == 1 + 61 * 3);  // start + 60 steps, 3 particles each
  CHECK(rows[0] == "step,particle,x,y");
  CHECK(rows[1].rfind("0,0,", 0) == 0);
  CHECK(rows.back().rfind("60,2,", 0) == 0);
  // The recorded last step is the final position of particle 0.
  const std::string last0 = rows[rows.size() - 3];
  CHECK(last0.substr(std::string("60,0,").size()) == lines(read(out))[1]);
}

TEST_CASE("bad usage exits with 2 and a pointer to --help") {
  const TempDir dir;
  const std::string out = dir.file("o.csv");
  const std::vector<std::vector<std::string>> bad = {
      {"sampel"},
      {"sample"},                                   // --out missing
      {"sample", "--out", out, "--bogus"},          // unknown flag
      {"sample", "--out"},                          // missing value
      {"sample", "--out", out, "--n", "ten"},       // not a number
      {"sample", "--out", out, "--n", "0"},         // out of range
      {"sample", "--out", out, "--n", "10000001"},  // out of range
      {"sample", "--out", out, "--n", "5x"},
      {"sample", "--out", out, "--seed", "-1"},
      {"sample", "--out", out, "--trajectory-particles", "3"},  // without --trajectories
      {"sample", "--out", out, "--out", out},
      {"sample", "positional"},
      {"bench", "--quick=yes"},
  };
  for (const auto& args : bad) {
    CAPTURE(args.size() > 1 ? args[1] : args[0]);
    const Result r = run(args);
    CHECK(r.code == 2);
    CHECK(r.err.find("--help") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a failed run exits with 1 and creates or changes no output file") {
  const TempDir dir;
  const std::string fresh = dir.file("fresh.csv");
  const std::string kept = dir.file("kept.csv", "x,y\n1,2\n");
  const std::string bad_scene =
      dir.file("bad.json", R"({"sampler": {"kind": "langevin", "snr": 1}})");
  const std::string diverging = dir.file(
      "diverging.json",
      R"({"particles": 20, "sampler": {"kind": "langevin", "step_size": 1e5, "steps": 50}})");

  Result r = run({"sample", "--scene", bad_scene, "--out", fresh});
  CHECK(r.code == 1);
  CHECK(r.err.find("unknown key sampler.snr") != std::string::npos);
  CHECK(r.err.find("bad.json") != std::string::npos);
  CHECK_FALSE(fs::exists(fresh));

  r = run({"sample", "--scene", dir.file("missing.json"), "--out", kept});
  CHECK(r.code == 1);
  CHECK(r.err.find("missing.json': it does not exist") != std::string::npos);

  r = run({"sample", "--scene", diverging, "--out", kept});
  CHECK(r.code == 1);
  CHECK(r.err.find("of 20 particles ended non-finite") != std::string::npos);
  CHECK(read(kept) == "x,y\n1,2\n");

  r = run({"sample", "--scene", bad_scene, "--out", kept});
  CHECK(r.code == 1);
  CHECK(read(kept) == "x,y\n1,2\n");

  const std::string small = dir.file("small.json", kSmallScene);
  r = run({"sample", "--scene", small, "--out", "/nonexistent/dir/out.csv"});
  CHECK(r.code == 1);
  CHECK(r.err.find("/nonexistent/dir/out.csv") != std::string::npos);
  CHECK(r.err.find("its directory '/nonexistent/dir' does not exist") != std::string::npos);
  CHECK_FALSE(fs::exists("/nonexistent/dir/out.csv"));

  // Only the files this test made are there: no temporaries left behind.
  std::vector<std::string> names = dir.entries();
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"bad.json", "diverging.json", "kept.csv", "small.json"});
}

TEST_CASE("atomic files: whole or nothing, no temporaries left") {
  const TempDir dir;
  const std::string target = dir.file("t.txt", "old");
  scorelab::write_file_atomic(target, "new contents");
  CHECK(read(target) == "new contents");
  {
    scorelab::PendingFile pending(target, "never committed");
    CHECK(read(target) == "new contents");
  }
  CHECK(read(target) == "new contents");
  CHECK(dir.entries() == std::vector<std::string>{"t.txt"});
  // A directory in the way: the rename fails, the temporary goes, the directory stays.
  const fs::path sub = dir.path / "sub";
  fs::create_directory(sub);
  fs::create_directory(sub / "x");
  std::ofstream(sub / "x" / "keep") << "k";
  CHECK_THROWS_WITH_AS(scorelab::write_file_atomic((sub / "x").string(), "data"),
                       doctest::Contains((sub / "x").c_str()), InputError);
  CHECK(fs::is_directory(sub / "x"));
  CHECK(std::distance(fs::directory_iterator(sub), fs::directory_iterator()) == 1);
  CHECK_THROWS_WITH_AS(scorelab::write_file_atomic("/nonexistent/dir/f", "data"),
                       "cannot write '/nonexistent/dir/f': its directory '/nonexistent/dir' does not exist", InputError);
}

TEST_CASE("every shipped scene loads, and default.json is the built-in default") {
  int count = 0;
  for (const auto& e : fs::directory_iterator(fs::path(SCORELAB_SOURCE_DIR) / "assets/scenes")) {
    if (e.path().extension() != ".json") continue;
    CAPTURE(e.path().string());
    CHECK_NOTHROW(scorelab::load_scene(e.path().string()));
    ++count;
  }
  CHECK(count >= 9);
  CHECK(scorelab::load_scene(std::string(SCORELAB_SOURCE_DIR) + "/assets/scenes/default.json") ==
        scorelab::parse_scene_text(scorelab::default_scene_json(), "default"));
}

TEST_CASE("the overview names the window flags and every command") {
  const Result r = run({});
  CHECK(r.code == 0);
  for (const char* word : {"--screenshot", "--bench-frames", "sample", "train", "bench"})
    CHECK(r.out.find(word) != std::string::npos);
}

TEST_CASE("bench --quick prints one JSON object with every workload") {
#ifdef SCORELAB_SANITIZED
  const Result r = run({"bench", "--quick", "--only", "sde_em,ald,empirical"});
#else
  const Result r = run({"bench", "--quick"});
#endif
  REQUIRE(r.code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["sde_em"]["particle_steps_per_s"].get<double>() > 0);
  CHECK(j["ald"]["particle_steps_per_s"].get<double>() > 0);
  CHECK(j["empirical"]["pairs_per_s"].get<double>() > 0);
  CHECK(j["sde_em"]["finite"] == true);
  // --quick times exactly one call of each workload (a smoke test, not a measurement).
  CHECK(j["empirical"]["timing"]["reps"] == 1);
  CHECK(j["empirical"]["timing"]["calls_per_rep"] == 1);
  CHECK(j["machine"].contains("cpu"));
}

// The help of a command cannot drift from its flags (issue 27: `bench --help` showed only
// [--quick] while it had --only, --cases and --threads): the usage block of every command (the
// real binary's, so the window-side commands are in) names every flag of its flag list and no
// other, and the bench's help names peers that exist.
TEST_CASE("every command's usage block names exactly the flags of its flag list") {
  const auto flags_named_in = [](std::string_view text) {
    std::set<std::string> out;
    for (std::size_t i = text.find("--"); i != std::string_view::npos; i = text.find("--", i + 2)) {
      std::size_t end = i + 2;
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-'))
        ++end;
      if (end > i + 2) out.insert(std::string(text.substr(i, end - i)));
    }
    return out;
  };
  const std::string top = real_binary_output("--help");
  const std::size_t list = top.find("\nCommands:\n");
  REQUIRE(list != std::string::npos);
  std::vector<std::string> names;
  std::istringstream lines(top.substr(list + 11));
  for (std::string line; std::getline(lines, line) && line.rfind("  ", 0) == 0;)
    names.push_back(line.substr(2, line.find(' ', 2) - 2));
  REQUIRE(names.size() >= 6);
  for (const std::string& name : names) {
    INFO("scorelab " << name << " --help");
    const std::string help = real_binary_output(name + " --help");
    const std::string usage = help.substr(0, help.find("\n\n"));
    const std::size_t flags_at = help.find("\nFlags:\n");
    REQUIRE(flags_at != std::string::npos);
    std::set<std::string> listed;
    std::istringstream flag_lines(help.substr(flags_at + 8));
    for (std::string line; std::getline(flag_lines, line);)
      if (line.rfind("  --", 0) == 0) listed.insert(line.substr(2, line.find(' ', 2) - 2));
    listed.erase("--help");
    const std::set<std::string> in_usage = flags_named_in(usage);
    for (const std::string& f : listed)
      CHECK_MESSAGE(in_usage.count(f), f << " is not in the usage");
    for (const std::string& f : in_usage) CHECK_MESSAGE(listed.count(f), f << " is no flag");
  }
  const Result bench = run({"bench", "--help"});
  for (const char* peer : {"numpy_peer.py", "torch_peer.py"}) {
    CHECK(bench.out.find(peer) != std::string::npos);
    CHECK(std::filesystem::exists(std::string(SCORELAB_SOURCE_DIR) + "/tests/bench/peers/" + peer));
  }
}

TEST_CASE("the real binary answers --help") {
  const std::string text = real_binary_output("--help");
  CHECK(text.find("Usage: scorelab <command>") != std::string::npos);
  CHECK(text.find("  export") != std::string::npos);  // the window-side commands are listed too
  CHECK(text.find("  bench-edit") != std::string::npos);
}

TEST_CASE("the real binary's bench-edit --quick prints the edit cost of both scenes as JSON") {
  const nlohmann::json j = nlohmann::json::parse(real_binary_output("bench-edit --quick"));
  for (const char* scene : {"default_scene", "drawn_20000_points"}) {
    CAPTURE(scene);
    CHECK(j[scene]["edits"] == 20);
    CHECK(j[scene]["median_ms"].get<double>() > 0);
    CHECK(j[scene]["p95_ms"].get<double>() >= j[scene]["median_ms"].get<double>());
  }
}
