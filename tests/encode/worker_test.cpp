// EncodeWorker: frames pushed on one thread reach the sink, in order, on the worker's thread; a
// failing sink surfaces on the caller's thread; destroying the worker unfinished abandons the sink.
// These tests also run under ThreadSanitizer (setup.sh test).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "app/encode/encode_worker.h"
#include "core/common/error.h"

using namespace scorelab;
using namespace scorelab::encode;

namespace {

// What a fake sink saw; shared with the test, which outlives the sink.
struct Record {
  std::mutex mu;
  std::vector<int> frames;  // the first byte of each frame added, in order
  bool finished = false, destroyed = false;
  std::thread::id thread;  // the thread that called add()
};

class FakeSink final : public FrameSink {
 public:
  FakeSink(Record& r, int fail_at) : r_(r), fail_at_(fail_at) {}
  ~FakeSink() override {
    std::lock_guard lock(r_.mu);
    r_.destroyed = true;
  }
  void add(const Image& frame) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // slower than the producer
    std::lock_guard lock(r_.mu);
    if (int(r_.frames.size()) == fail_at_) throw InputError("disk full (fake)");
    r_.frames.push_back(frame.rgb[0]);
    r_.thread = std::this_thread::get_id();
  }
  void finish() override {
    std::lock_guard lock(r_.mu);
    r_.finished = true;
  }
  std::string describe() const override { return "fake"; }

 private:
  Record& r_;
  int fail_at_;
};

Image frame(int i) {
  return Image{1, 1, {std::uint8_t(i), 0, 0}};
}

}  // namespace

TEST_CASE("encode worker - every frame reaches the sink in order, then finish") {
  Record r;
  {
    EncodeWorker worker(std::make_unique<FakeSink>(r, -1), 2);
    for (int i = 0; i < 50; ++i) worker.push(frame(i));  // waits whenever 2 are queued
    worker.close();
    worker.wait();
    CHECK(worker.state() == EncodeWorker::State::Done);
    CHECK(worker.encoded() == 50);
  }
  std::vector<int> expected(50);
  for (int i = 0; i < 50; ++i) expected[i] = i;
  CHECK(r.frames == expected);
  CHECK(r.finished);
  CHECK(r.thread != std::this_thread::get_id());  // encoded on the worker's thread
}

TEST_CASE("encode worker - a sink error surfaces on the caller's thread") {
  Record r;
  EncodeWorker worker(std::make_unique<FakeSink>(r, 5), 2);
  bool thrown = false;
  try {
    for (int i = 0; i < 50; ++i) worker.push(frame(i));
    worker.close();
    worker.wait();
    worker.rethrow_failure();
  } catch (const InputError& e) {
    thrown = std::string(e.what()).find("disk full") != std::string::npos;
  }
  CHECK(thrown);
  CHECK(worker.state() == EncodeWorker::State::Failed);
  CHECK(!r.finished);
}

TEST_CASE("encode worker - destroyed unfinished, the sink is abandoned (never finished)") {
  Record r;
  {
    EncodeWorker worker(std::make_unique<FakeSink>(r, -1), 4);
    for (int i = 0; i < 4; ++i) worker.push(frame(i));
  }  // cancel: no close()
  CHECK(r.destroyed);
  CHECK(!r.finished);
}
