// Fuzz tests: the scene reader, the checkpoint reader and sampling/training, driven in-process on
// seeded mutations of a small corpus (tests/fuzz/corpus) for a fixed number of inputs. Each input
// must end normally or with a short, printable InputError; see fuzz_support.h for the oracle.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <typeinfo>

#include "core/common/error.h"
#include "core/lesson/lesson.h"
#include "core/nn/learned_score.h"
#include "core/scene/exact_score.h"
#include "core/scene/limits.h"
#include "tests/fuzz/fuzz_support.h"

#if defined(__SANITIZE_ADDRESS__)
// The allocation budget under ASan: one allocation over 2 GB, or the process over 4 GB resident,
// is reported as an error (the test fails) instead of being attempted.
extern "C" const char* __asan_default_options() {
  return "max_allocation_size_mb=2048:hard_rss_limit_mb=4096:allocator_may_return_null=0";
}
#endif

namespace {

using namespace scorelab;

// Inputs per run, fixed per build type (the same inputs every run): about 15 s in Release and
// 60 s under ASan+UBSan on the 2-core CI machine (see README, "What is inside").
constexpr int kSceneInputs = fuzz::kSanitized ? 4000 : 12000;
constexpr int kCheckpointInputs = fuzz::kSanitized ? 1500 : 4000;
constexpr std::uint64_t kSeed = 20261129;
constexpr double kMemoryLimit = 3e9;  // Release: address-space cap of the whole test process

// The budget the shrunk runs are held to, as estimated (core/scene/limits.cpp, within 2× of the
// truth in Release): a few milliseconds each, so hundreds of inputs stay cheap under ASan too.
const CostBudget kRunBudget{.memory_bytes = 256e6, .step_seconds = 4e-4, .run_seconds = 2.5e-3};

constexpr int kLessonInputs = fuzz::kSanitized ? 400 : 1500;

// The *.json files of `dir` as seeds: the scene corpus (tests/fuzz/corpus), or the shipped lessons
// (assets/lessons, read in place so the seeds are always the lessons that ship).
std::vector<std::string> corpus(const std::string& dir = SCORELAB_FUZZ_CORPUS) {
  std::vector<std::string> texts;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());  // directory order is not deterministic
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    texts.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return texts;
}

// The oracle's check of a refusal: the message is what a user reads.
void check_message(const std::string& message, const std::string& what) {
  INFO("input: ", what);
  INFO("message: ", message.substr(0, 300));
  CHECK(message.size() <= 1000);
  CHECK(std::none_of(message.begin(), message.end(),
                     [](char c) { return c >= 0 && c < 0x20; }));  // no control characters
}

// Runs `f`; an InputError is a clean refusal (its message is checked), anything else fails.
template <class F>
bool refuses_cleanly(const std::string& what, F&& f) {
  try {
    f();
    return false;
  } catch (const InputError& e) {
    check_message(e.what(), what);
    return true;
  } catch (const std::exception& e) {
    FAIL_CHECK("input '" << what << "': unexpected " << typeid(e).name() << ": "
                         << std::string(e.what()).substr(0, 300));
    return true;
  }
}

// A scene that parsed: round-trips, its cost estimates work, and it samples and trains as the
// command line would, shrunk to a few dozen particles and a few steps.
void exercise_scene(Scene scene, const std::string& what, const ScoreModel* learned = nullptr) {
  INFO("input: ", what);
  CHECK(parse_scene(to_json(scene)) == scene);
  (void)refuses_cleanly(what, [&] {
    check_cost(scene, {.train_steps = 100000, .train = true, .sample = true, .window = true},
               CostBudget{});
  });
  scene.particles = std::min(scene.particles, 48);
  scene.data.points = std::min(scene.data.points, 256);
  scene.train.batch = std::min(scene.train.batch, 32);
  if (!refuses_cleanly(what, [&] {
        check_cost(scene, {.sample = true, .learned = learned != nullptr}, kRunBudget);
      })) {
    (void)refuses_cleanly(what, [&] {
      Rng rng(scene.seed);
      Rng data_rng = rng.split(), sampler_rng = rng.split();
      const auto exact = make_exact_score(scene.data, data_rng);
      auto sampler = make_sampler(scene.sampler, scene.noise.schedule, scene.noise.sde);
      sampler->start(scene.particles, sampler_rng);
      while (sampler->step(learned ? *learned : *exact, sampler_rng)) {
      }
    });
  }
  if (learned) return;
  if (!refuses_cleanly(what,
                       [&] { check_cost(scene, {.train_steps = 2, .train = true}, kRunBudget); })) {
    (void)refuses_cleanly(what, [&] {
      TrainingSession session(scene.train_config(), make_data_source(scene.data));
      session.step();
      session.step();
    });
  }
}

// ---- checkpoint bytes ----------------------------------------------------------------------

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// A checkpoint file from its parts, with a correct length field and checksum, so that mutations
// of the header or body reach the parser instead of stopping at the checksum.
std::string assemble(const std::string& header, const std::string& body) {
  std::string out = "SCRLCKPT";
  put<std::uint32_t>(out, 1);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(header.size()));
  out += header + body;
  put(out, fnv1a64(out));
  return out;
}

std::string with_checksum(std::string bytes) {
  if (bytes.size() < 8) return bytes;
  const std::uint64_t h = fnv1a64(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &h, 8);
  return bytes;
}

// A small trained checkpoint: the seed of the checkpoint mutations.
std::string base_checkpoint() {
  Scene scene = parse_scene_text(
      R"({"version": 2, "particles": 32, "model": {"width": 16, "depth": 2, "embedding": {"width": 8}},
          "train": {"batch": 32}, "noise": {"sde": {"N": 50}}})",
      "checkpoint scene");
  TrainingSession session(scene.train_config(), make_data_source(scene.data));
  for (int i = 0; i < 3; ++i) session.step();
  return serialize_checkpoint(make_checkpoint(session, scene));
}

std::string mutate_checkpoint(const std::string& base, fuzz::Random& rnd, std::string& what) {
  std::uint32_t header_len = 0;
  std::memcpy(&header_len, base.data() + 12, 4);
  const std::string header = base.substr(16, header_len);
  const std::string body = base.substr(16 + header_len, base.size() - 24 - header_len);
  switch (rnd.below(7)) {
    case 0: {  // flips anywhere, checksum left wrong
      std::string b = base;
      b[rnd.below(b.size())] ^= static_cast<char>(1u << rnd.below(8));
      what = "checkpoint byte flip";
      return b;
    }
    case 1:
    case 2: {  // header mutated, checksum recomputed
      std::string inner;
      std::string h = fuzz::mutate_json(header, rnd, inner);
      what = "checkpoint header: " + inner;
      return assemble(h, body);
    }
    case 3: {  // body flips (NaN, huge weights), checksum recomputed
      std::string b = body;
      for (int k = 0; k < 4 && !b.empty(); ++k) b[rnd.below(b.size())] ^= static_cast<char>(0xff);
      what = "checkpoint body flips";
      return assemble(header, b);
    }
    case 4: {  // truncated, checksum recomputed over what is left
      std::string b = base.substr(0, rnd.below(base.size()));
      what = "checkpoint truncated to " + std::to_string(b.size());
      return with_checksum(b);
    }
    case 5: {  // the header's length field changed
      std::string b = base;
      const std::uint32_t lens[] = {0,
                                    1,
                                    header_len - 1,
                                    header_len + 1,
                                    0xffffffffu,
                                    static_cast<std::uint32_t>(rnd.next())};
      const std::uint32_t len = lens[rnd.below(6)];
      std::memcpy(b.data() + 12, &len, 4);
      what = "checkpoint header length " + std::to_string(len);
      return with_checksum(b);
    }
    default: {  // num_params changed, body kept or emptied
      const auto at = header.find("\"num_params\":");
      const std::string values[] = {
          "0", "1", "-1", "1e30", "\"x\"", "null", "18446744073709551615"};
      const std::string v = values[rnd.below(7)];
      std::string h = header;
      if (at != std::string::npos) {
        const auto end = h.find_first_of(",}", at);
        h = h.substr(0, at) + "\"num_params\":" + v + h.substr(end);
      }
      what = "checkpoint num_params " + v;
      return assemble(h, rnd.chance(50) ? std::string() : body);
    }
  }
}

}  // namespace

TEST_CASE("mutated scenes: refused cleanly or run, never a crash, hang or unclear error") {
  fuzz::limit_memory(kMemoryLimit);
  const std::vector<std::string> seeds = corpus();
  REQUIRE(seeds.size() >= 10);
  fuzz::Random rnd(kSeed);
  fuzz::Watchdog watchdog;
  int accepted = 0;
  for (int i = 0; i < kSceneInputs; ++i) {
    std::string what;
    std::string text = seeds[rnd.below(seeds.size())];
    // One or two mutations stacked.
    for (std::size_t m = 1 + rnd.below(2); m > 0; --m) {
      std::string step;
      text = fuzz::mutate_json(text, rnd, step);
      what += (what.empty() ? "" : " + ") + step;
    }
    what = "scene input " + std::to_string(i) + " (" + what + ")";
    watchdog.arm(what, text);
    Scene scene;
    if (!refuses_cleanly(what, [&] { scene = parse_scene_text(text, "fuzz.json"); })) {
      ++accepted;
      exercise_scene(scene, what);
    }
    watchdog.disarm();
  }
  MESSAGE(kSceneInputs << " mutated scenes, " << accepted << " accepted and run");
  CHECK(accepted > kSceneInputs / 20);  // the mutations are not all rejected at the first byte
}

TEST_CASE("mutated checkpoints: refused cleanly or sampled, never a crash, hang or unclear error") {
  fuzz::limit_memory(kMemoryLimit);
  const std::string base = base_checkpoint();
  REQUIRE_NOTHROW(parse_checkpoint(base, "base"));
  fuzz::Random rnd(kSeed + 1);
  fuzz::Watchdog watchdog;
  int accepted = 0;
  for (int i = 0; i < kCheckpointInputs; ++i) {
    std::string what;
    const std::string bytes = mutate_checkpoint(base, rnd, what);
    what = "checkpoint input " + std::to_string(i) + " (" + what + ")";
    watchdog.arm(what, bytes);
    Checkpoint c;
    if (!refuses_cleanly(what, [&] { c = parse_checkpoint(bytes, "fuzz.ckpt"); })) {
      ++accepted;
      std::unique_ptr<LearnedScore> learned;
      if (!refuses_cleanly(what, [&] {
            learned = std::make_unique<LearnedScore>(c.snapshot(), rnd.chance(50));
          }))
        exercise_scene(c.scene, what, learned.get());
    }
    watchdog.disarm();
  }
  MESSAGE(kCheckpointInputs << " mutated checkpoints, " << accepted << " accepted and sampled");
  CHECK(accepted > 0);
}

TEST_CASE("mutated lessons: refused cleanly or every step read, never a crash or unclear error") {
  fuzz::limit_memory(kMemoryLimit);
  const std::vector<std::string> seeds = corpus(SCORELAB_LESSON_DIR);
  REQUIRE(seeds.size() >= 11);
  fuzz::Random rnd(kSeed + 2);
  fuzz::Watchdog watchdog;
  int accepted = 0;
  for (int i = 0; i < kLessonInputs; ++i) {
    std::string what;
    std::string text = seeds[rnd.below(seeds.size())];
    for (std::size_t m = 1 + rnd.below(2); m > 0; --m) {
      std::string step;
      text = fuzz::mutate_json(text, rnd, step);
      what += (what.empty() ? "" : " + ") + step;
    }
    what = "lesson input " + std::to_string(i) + " (" + what + ")";
    watchdog.arm(what, text);
    Lesson lesson;
    // The lesson reader, with the scene reader behind it for every step.
    if (!refuses_cleanly(what, [&] {
          lesson = parse_lesson_text(text, "fuzz_lesson.json", SCORELAB_LESSON_DIR);
        })) {
      ++accepted;
      exercise_scene(lesson.steps.back().scene, what);
    }
    watchdog.disarm();
  }
  MESSAGE(kLessonInputs << " mutated lessons, " << accepted << " accepted and run");
  CHECK(accepted > kLessonInputs / 20);
}
