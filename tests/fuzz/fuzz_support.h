// Support for the fuzz tests: a seeded mutator of JSON text and of checkpoint bytes, a watchdog
// that turns a hang into a failure naming the input, and the "run it as the CLI would" drivers.
//
// The oracle: every input must end either normally or with an InputError whose message is short
// and printable. A crash or a sanitizer report ends the process (the test fails); a hang trips
// the watchdog; any other exception (std::bad_alloc, an nlohmann exception, out_of_range) is a
// failure, since it means an unclear message reached the user.
#pragma once
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/scene/checkpoint.h"
#include "core/scene/scene.h"

namespace fuzz {

// The build under test: sanitizers slow everything down, so the per-input timeout is longer.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
inline constexpr double kInputTimeoutSeconds = kSanitized ? 20 : 5;

// Aborts the process, naming the input, if one input runs longer than the timeout.
class Watchdog {
 public:
  Watchdog() : thread_([this] { watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Starts the clock for one input; `what` and `input` are reported if it hangs.
  void arm(const std::string& what, const std::string& input) {
    std::lock_guard lock(mu_);
    what_ = what;
    input_ = input;
    deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(kInputTimeoutSeconds));
    armed_ = true;
    cv_.notify_all();
  }
  void disarm() {
    std::lock_guard lock(mu_);
    armed_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  void watch() {
    std::unique_lock lock(mu_);
    while (!quit_) {
      if (!armed_) {
        cv_.wait(lock);
        continue;
      }
      if (cv_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ && !quit_ &&
          Clock::now() >= deadline_) {
        // Keep the input for a reproduction, then fail loudly.
        if (std::FILE* f = std::fopen("fuzz_hang_input.bin", "wb")) {
          std::fwrite(input_.data(), 1, input_.size(), f);
          std::fclose(f);
        }
        std::fprintf(stderr,
                     "FUZZ FAILURE: %s ran longer than %g s (a hang); the input is in "
                     "fuzz_hang_input.bin\n",
                     what_.c_str(), kInputTimeoutSeconds);
        std::abort();
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::string what_, input_;
  Clock::time_point deadline_{};
  bool armed_ = false, quit_ = false;
  std::thread thread_;
};

// Release builds: cap the address space, so an allocation over the budget becomes std::bad_alloc
// (which the oracle reports) instead of swapping the CI machine to death. ASan reserves terabytes
// of address space, so there the runtime's own limits apply (__asan_default_options in
// fuzz_test.cpp).
inline void limit_memory(double bytes) {
  if (kSanitized) return;
  rlimit r{};
  r.rlim_cur = r.rlim_max = static_cast<rlim_t>(bytes);
  setrlimit(RLIMIT_AS, &r);
}

// Random choices from one seeded engine: the same seed gives the same inputs on every machine
// (std::mt19937_64 is fully specified; the distributions we use below are our own arithmetic).
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }

 private:
  std::mt19937_64 engine_;
};

// A whole file's bytes ("" if it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---- mutations ------------------------------------------------------------------------------

// Values a hostile user types: extremes, wrong types, overflowing literals (as text).
inline const std::vector<std::string>& hostile_values() {
  static const std::vector<std::string> v = {
      "0",
      "-0.0",
      "-1",
      "1",
      "0.5",
      "2",
      "1e-320",
      "5e-324",
      "1e-12",
      "1e308",
      "-1e308",
      "1.7976931348623157e308",
      "1e400",
      "-1e400",
      "2147483647",
      "2147483648",
      "-2147483649",
      "4294967296",
      "10000001",
      "100001",
      "1000001",
      "65537",
      "4097",
      "18446744073709551615",
      "18446744073709551616",
      "-9223372036854775808",
      "1e6",
      "1e7",
      "3000",
      "100000",
      "\"\"",
      "\"x\"",
      "\"ring8\"",
      "\"vp\"",
      "\"karras\"",
      "\"rk45\"",
      "\"langevin\"",
      "\"\\u0000\"",
      "\"\\ud800\"",
      "null",
      "true",
      "false",
      "[]",
      "{}",
      "[0, 0]",
      "[[0, 0]]",
      "[1e308, 1e308]",
      "[[1e308, 1e308], [1, 1]]",
      "[[[1, 0], [0, 1]]]",
      "{\"kind\": \"vp\"}",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"};
  return v;
}

// A deep value: `depth` arrays, or objects {"a": {"a": ...}}.
inline std::string deep_value(std::size_t depth, bool arrays) {
  if (arrays) return std::string(depth, '[') + std::string(depth, ']');
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "{\"a\": ";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

// A random value of `text`: it starts after a ':', '[' or ',' and ends at the next ',', '}' or
// ']' at its own nesting (roughly: good enough to splice in another value). Linear in the text,
// also for a 60000-deep one.
struct Span {
  std::size_t begin, end;
};
inline std::optional<Span> random_span(const std::string& text, Random& rnd) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == ':' || text[i] == '[' || text[i] == ',') starts.push_back(i + 1);
  if (starts.empty()) return std::nullopt;
  std::size_t b = starts[rnd.below(starts.size())];
  while (b < text.size() && (text[b] == ' ' || text[b] == '\n')) ++b;
  int depth = 0;
  bool in_string = false;
  std::size_t e = b;
  for (; e < text.size(); ++e) {
    const char c = text[e];
    if (in_string) {
      if (c == '\\')
        ++e;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      ++depth;
    else if ((c == ']' || c == '}') && depth-- == 0)
      break;
    else if (c == ',' && depth == 0)
      break;
  }
  if (e <= b || e > text.size()) return std::nullopt;
  return Span{b, e};
}

// One mutation of JSON text, named in `what` for failure reports.
inline std::string mutate_json(const std::string& text, Random& rnd, std::string& what) {
  std::string s = text;
  const std::optional<Span> span = random_span(s, rnd);
  switch (rnd.below(9)) {
    case 0: {  // byte flips
      const std::size_t flips = 1 + rnd.below(4);
      for (std::size_t k = 0; k < flips && !s.empty(); ++k)
        s[rnd.below(s.size())] ^= static_cast<char>(1u << rnd.below(8));
      what = "byte flips";
      break;
    }
    case 1:  // truncation
      s.resize(rnd.below(s.size() + 1));
      what = "truncation to " + std::to_string(s.size()) + " bytes";
      break;
    case 2:
    case 3:
    case 4: {  // a value replaced by a hostile one
      if (!span) break;
      const Span sp = *span;
      const std::string& v = hostile_values()[rnd.below(hostile_values().size())];
      s = s.substr(0, sp.begin) + v + s.substr(sp.end);
      what = "a value replaced by " + v.substr(0, 40);
      break;
    }
    case 5: {  // deep nesting at a value
      if (!span) break;
      const Span sp = *span;
      const std::size_t depths[] = {31, 32, 33, 100, 10000, 60000};
      const std::size_t d = depths[rnd.below(6)];
      s = s.substr(0, sp.begin) + deep_value(d, rnd.chance(50)) + s.substr(sp.end);
      what = "nesting " + std::to_string(d) + " deep";
      break;
    }
    case 6: {  // a duplicate or unknown key at the top or in a block
      const std::size_t brace = s.find('{', rnd.below(s.size() + 1));
      const char* keys[] = {"\"seed\": 1, ", "\"particles\": 3, ", "\"kind\": \"vp\", ",
                            "\"unknown_key\": 0, ", "\"\": 0, "};
      const char* k = keys[rnd.below(5)];
      if (brace != std::string::npos) s.insert(brace + 1, k);
      what = std::string("a key inserted: ") + k;
      break;
    }
    case 7: {  // a huge string or array at a value
      if (!span) break;
      const Span sp = *span;
      std::string v;
      if (rnd.chance(50)) {
        v = "\"" + std::string(1000 + rnd.below(100000), 'a') + "\"";
        what = "a long string";
      } else {
        v = "[";
        const std::size_t n = 1000 + rnd.below(200000);
        for (std::size_t i = 0; i < n; ++i) v += i ? ",[1,2]" : "[1,2]";
        v += "]";
        what = "a long array";
      }
      s = s.substr(0, sp.begin) + v + s.substr(sp.end);
      break;
    }
    default: {  // a number scaled by a power of ten or negated
      if (!span) break;
      const Span sp = *span;
      const std::string v = s.substr(sp.begin, sp.end - sp.begin);
      if (v.empty() || !(std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '-')) break;
      const char* scales[] = {"e1", "e3", "e6", "e300", "e-300"};
      const std::string nv = rnd.chance(30) ? "-" + v : v + scales[rnd.below(5)];
      s = s.substr(0, sp.begin) + nv + s.substr(sp.end);
      what = "a number changed to " + nv.substr(0, 40);
      break;
    }
  }
  if (what.empty()) what = "unchanged";
  return s;
}

}  // namespace fuzz
