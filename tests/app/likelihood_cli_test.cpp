// `scorelab likelihood`: one log_p row per point in input order, agreement with the closed form
// for an exact mixture score, a learned checkpoint, and refusals (grid 0 or 10⁸ points, NaN in the
// CSV, bad flags) that leave no output behind.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_testing.h"
#include "core/distributions/datasets.h"
#include "core/noise/sde.h"

namespace fs = std::filesystem;
using namespace cli_testing;

namespace {

// The ring under VP (its prior N(0, I) is within 1e-3 nats of p_T, so log p is the closed form).
constexpr const char* kVpScene = R"({
  "version": 2,
  "data": {"dataset": "ring8"},
  "noise": {"sde": {"kind": "vp"}},
  "view": {"center_x": 0, "center_y": 0, "half_height": 6}
})";

// Parses "x,y,log_p" rows.
std::vector<std::array<double, 3>> rows(const std::string& csv) {
  std::vector<std::array<double, 3>> out;
  const auto ls = lines(csv);
  for (std::size_t i = 1; i < ls.size(); ++i) {
    std::array<double, 3> r{};
    std::istringstream in(ls[i]);
    char comma;
    in >> r[0] >> comma >> r[1] >> comma >> r[2];
    out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("likelihood writes log_p per point in input order, equal to the closed form (VP, ring8)") {
  const TempDir dir;
  const std::string scene = dir.file("vp.json", kVpScene);
  const std::string pts = dir.file("pts.csv", "x,y\n4,0\n0,-4\n2.8,2.8\n0,0\n-3.5,0.3\n");
  const std::string out = dir.file("out.csv");
  const Result r = run({"likelihood", "--scene", scene, "--points", pts, "--out", out,
                        "--eps", "1e-3", "--test-n", "200"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("mean NLL on 200 data draws") != std::string::npos);
  CHECK(r.out.find("exact log p_eps") != std::string::npos);
  const std::string text = read(out);
  CHECK(lines(text).front() == "x,y,log_p");
  const auto got = rows(text);
  REQUIRE(got.size() == 5);
  const double expect_x[] = {4, 0, 2.8, 0, -3.5}, expect_y[] = {0, -4, 2.8, 0, 0.3};
  const scorelab::GaussianMixture gmm = scorelab::ring8();
  const scorelab::Sde sde(scorelab::SdeParams{scorelab::SdeKind::VP});
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(got[i][0] == doctest::Approx(expect_x[i]));
    CHECK(got[i][1] == doctest::Approx(expect_y[i]));
    scorelab::Points x(2, 1);
    x << float(expect_x[i]), float(expect_y[i]);
    scorelab::ValuesT<double> lp;
    gmm.evaluate<double>(x.cast<double>(), sde.level(1e-3), &lp, nullptr, nullptr);
    // 1e-3 nats: the ODE's and the prior's error (likelihood_test), plus float printing.
    CHECK(std::abs(got[i][2] - lp[0]) < 1e-3);
  }
}

TEST_CASE("likelihood --grid writes W·H rows over the view, x fastest, bottom row first") {
  const TempDir dir;
  const std::string scene = dir.file("vp.json", kVpScene), out = dir.file("g.csv");
  const Result r = run({"likelihood", "--scene", scene, "--grid", "4x3", "--out", out,
                        "--method", "rk4", "--steps", "50", "--test-n", "0"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto got = rows(read(out));
  REQUIRE(got.size() == 12);
  CHECK(got[0][0] == doctest::Approx(-4.5));  // cell centres of [−6, 6]: width 3, first at −4.5
  CHECK(got[0][1] == doctest::Approx(-4.0));  // height 4, first at −4
  CHECK(got[1][0] == doctest::Approx(-1.5));
  CHECK(got[4][1] == doctest::Approx(0.0));
  for (const auto& g : got) CHECK(std::isfinite(g[2]));
}

TEST_CASE("likelihood with a learned checkpoint runs and reports its NLL") {
  const TempDir dir;
  const std::string scene = dir.file("vp.json", kVpScene), ckpt = dir.file("m.ckpt");
  REQUIRE(run({"train", "--scene", scene, "--steps", "50", "--out", ckpt}).code == 0);
  const std::string out = dir.file("l.csv");
  const Result r = run({"likelihood", "--scene", scene, "--model", ckpt, "--grid", "3x3",
                        "--out", out, "--test-n", "50"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(rows(read(out)).size() == 9);
  CHECK(r.out.find("mean NLL on 50 data draws") != std::string::npos);
}

TEST_CASE("likelihood refuses bad requests with a clear message and writes nothing") {
  const TempDir dir;
  const std::string scene = dir.file("vp.json", kVpScene), out = dir.file("never.csv");
  // Usage errors (exit 2), before any work.
  Result r = run({"likelihood", "--scene", scene, "--grid", "0x10", "--out", out});
  CHECK(r.code == 2);
  CHECK(r.err.find("--grid") != std::string::npos);
  r = run({"likelihood", "--scene", scene, "--grid", "10000x10000", "--out", out});
  CHECK(r.code == 2);
  CHECK(r.err.find("100000000 points; at most 1048576") != std::string::npos);
  CHECK(run({"likelihood", "--scene", scene, "--out", out}).code == 2);  // no points, no grid
  CHECK(run({"likelihood", "--scene", scene, "--grid", "2x2", "--points", out, "--out", out})
            .code == 2);
  CHECK(run({"likelihood", "--scene", scene, "--grid", "2x2", "--out", out, "--eps", "0"}).code ==
        2);
  CHECK(run({"likelihood", "--scene", scene, "--grid", "2x2", "--out", out, "--method", "euler"})
            .code == 2);
  // Bad input files (exit 1), naming the line.
  const std::string nan = dir.file("nan.csv", "x,y\n1,2\nnan,3\n");
  r = run({"likelihood", "--scene", scene, "--points", nan, "--out", out});
  CHECK(r.code == 1);
  CHECK(r.err.find("line 3: 'nan' is not a finite number") != std::string::npos);
  const std::string bad = dir.file("bad.csv", "1,2\n3\n");
  r = run({"likelihood", "--scene", scene, "--points", bad, "--out", out});
  CHECK(r.code == 1);
  CHECK(r.err.find("line 2: expected two numbers x,y") != std::string::npos);
  r = run({"likelihood", "--scene", scene, "--points", dir.file("missing.csv"), "--out", out});
  CHECK(r.code == 1);
  r = run({"likelihood", "--scene", scene, "--grid", "2x2", "--out", "/nonexistent/x.csv"});
  CHECK(r.code == 1);
  CHECK_FALSE(fs::exists(out));
}

// `scorelab sample` takes the conditioning from the scene file: the shipped observation scene
// (ring8, y = x₁ + N(0, 0.2²), y = 0) puts every particle in the two modes on the x₂ axis,
// (0, ±4) (ring std 0.3, posterior std in x₁ ≈ 0.17; bounds are 5 of those).
TEST_CASE("sample follows the scene's condition block (observation of x1)") {
  const TempDir dir;
  const std::string out = dir.file("s.csv");
  const Result r =
      run({"sample", "--scene",
           std::string(SCORELAB_SOURCE_DIR) + "/assets/scenes/ring8_reverse_sde_observation.json",
           "--out", out, "--n", "300"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto ls = lines(read(out));
  REQUIRE(ls.size() == 301);
  int near = 0;
  for (std::size_t i = 1; i < ls.size(); ++i) {
    double x = 0, y = 0;
    char comma;
    std::istringstream(ls[i]) >> x >> comma >> y;
    near += std::abs(x) < 0.85 && std::abs(std::abs(y) - 4.0) < 1.5 ? 1 : 0;
  }
  CHECK(near == 300);
}
