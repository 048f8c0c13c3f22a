// `scorelab train` and `scorelab sample --model`: a headless train → checkpoint → sample round,
// and the failures that must leave nothing behind.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_testing.h"

namespace fs = std::filesystem;

using namespace cli_testing;

namespace {

// A small, quick scene: the ring, a 2 × 32 network, annealed Langevin for sampling.
constexpr const char* kTrainScene = R"({
  "version": 2,
  "particles": 200,
  "noise": {"schedule": {"sigma_min": 0.1, "sigma_max": 5, "levels": 5}},
  "sampler": {"kind": "annealed_langevin", "epsilon": 0.002, "steps_per_level": 10},
  "model": {"width": 32, "depth": 2},
  "train": {"batch": 64, "lr": 0.003}
})";

}  // namespace

TEST_CASE("train writes a checkpoint that sample --model uses") {
  TempDir dir;
  const std::string scene = dir.file("scene.json", kTrainScene), ckpt = dir.file("model.ckpt");
  const Result t = run({"train", "--scene", scene, "--steps", "200", "--out", ckpt});
  INFO(t.err);
  REQUIRE(t.code == 0);
  CHECK(t.out.find("trained 200 steps") != std::string::npos);
  CHECK(t.err.find("step 200 / 200") != std::string::npos);
  REQUIRE(fs::exists(ckpt));

  const std::string csv = dir.file("s.csv"), csv_raw = dir.file("r.csv");
  const Result s = run({"sample", "--scene", scene, "--model", ckpt, "--out", csv});
  INFO(s.err);
  REQUIRE(s.code == 0);
  std::ifstream in(csv);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  CHECK(rows == 201);  // header + 200 particles
  // EMA and raw weights are different models: different samples.
  REQUIRE(run({"sample", "--scene", scene, "--model", ckpt, "--raw", "--out", csv_raw}).code == 0);
  CHECK(read(csv) != read(csv_raw));
  CHECK(s.err.find("warning") == std::string::npos);  // its own scene: nothing to say

  // The same model with a moons scene runs as asked, and says what it was trained on (it used
  // to run without a word).
  std::string moons = kTrainScene;
  moons.replace(moons.find("\"particles\""), 0, "\"data\": {\"dataset\": \"moons\"}, ");
  const Result m = run({"sample", "--scene", dir.file("moons.json", moons), "--model", ckpt,
                        "--out", dir.file("m.csv")});
  INFO(m.err);
  CHECK(m.code == 0);
  CHECK(m.err.find("scorelab sample: warning: " + ckpt) != std::string::npos);
  CHECK(m.err.find("trained on ring8") != std::string::npos);
  CHECK(m.err.find("moons") != std::string::npos);
}

TEST_CASE("train and sample --model fail cleanly") {
  TempDir dir;
  const std::string scene = dir.file("scene.json", kTrainScene), ckpt = dir.file("model.ckpt");
  // Usage errors: exit 2.
  CHECK(run({"train", "--scene", scene, "--out", ckpt}).code == 2);                      // no --steps
  CHECK(run({"train", "--scene", scene, "--steps", "0", "--out", ckpt}).code == 2);      // range
  CHECK(run({"sample", "--scene", scene, "--raw", "--out", dir.file("x.csv")}).code == 2);
  // Unwritable output: exit 1, nothing trained for nothing.
  const Result u = run({"train", "--scene", scene, "--steps", "5", "--out", "/nonexistent/m.ckpt"});
  CHECK(u.code == 1);
  CHECK(u.err.find("/nonexistent") != std::string::npos);
  // A file that is not a checkpoint: exit 1, no output written.
  const std::string out = dir.file("never.csv");
  const Result f = run({"sample", "--scene", scene, "--model", scene, "--out", out});
  CHECK(f.code == 1);
  CHECK(f.err.find("not a usable scorelab checkpoint") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(ckpt));
}
