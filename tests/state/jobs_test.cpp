// Background jobs: results reach the caller, progress is visible while running, cancel stops a
// job at its next check, a throwing job fails with its message, and the runner's destructor
// cancels what is left and returns.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <sched.h>
#include <sys/resource.h>

#include "app/state/jobs.h"

using namespace scorelab::app;
using namespace std::chrono_literals;

namespace {

template <class R>
void wait_finished(const Job<R>& job) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!job.finished() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  REQUIRE(job.finished());
}

}  // namespace

TEST_CASE("jobs: a result is published once the job is done, in submission order") {
  JobRunner runner;
  auto a = runner.submit<int>([](JobControl&) { return 1; });
  auto b = runner.submit<std::string>([](JobControl& c) {
    c.progress(0.5);
    return std::string("two");
  });
  wait_finished(*b);
  CHECK(a->finished());  // one worker, in order: a finished before b started
  CHECK(a->take() == 1);
  CHECK(b->state() == Job<std::string>::State::Done);
  CHECK(b->progress() == 1.0);
  CHECK(b->take() == std::string("two"));
}

TEST_CASE("jobs: progress is visible while running, and cancel stops the job") {
  JobRunner runner;
  std::atomic<bool> started{false};
  auto job = runner.submit<int>([&](JobControl& c) {
    started = true;
    for (int i = 0; !c.cancelled(); ++i) {
      c.progress(0.25);
      std::this_thread::sleep_for(1ms);
    }
    return 7;
  });
  while (!started) std::this_thread::sleep_for(1ms);
  while (job->progress() < 0.25) std::this_thread::sleep_for(1ms);
  CHECK(job->state() == Job<int>::State::Running);
  job->cancel();
  wait_finished(*job);
  CHECK(job->state() == Job<int>::State::Cancelled);
  CHECK_FALSE(job->take().has_value());
}

TEST_CASE("jobs: a throwing job fails with its message and the runner goes on") {
  JobRunner runner;
  auto bad = runner.submit<int>([](JobControl&) -> int { throw std::runtime_error("no grid"); });
  auto good = runner.submit<int>([](JobControl&) { return 3; });
  wait_finished(*good);
  CHECK(bad->state() == Job<int>::State::Failed);
  CHECK(bad->error() == "no grid");
  CHECK(good->take() == 3);
}

TEST_CASE("jobs: destroying the runner cancels the running and the queued jobs") {
  std::shared_ptr<Job<int>> running, queued;
  {
    JobRunner runner;
    std::atomic<bool> started{false};
    running = runner.submit<int>([&](JobControl& c) {
      started = true;
      while (!c.cancelled()) std::this_thread::sleep_for(1ms);
      return 1;
    });
    queued = runner.submit<int>([](JobControl&) { return 2; });
    while (!started) std::this_thread::sleep_for(1ms);
  }
  CHECK(running->state() == Job<int>::State::Cancelled);
  CHECK(queued->state() == Job<int>::State::Cancelled);
}

TEST_CASE("jobs: every job runs below the calling thread's priority") {
  // A job at the UI's priority holds a core for a whole time slice while a frame rasterises (the
  // live numbers' energy distances did, 4 ms at a time). The runner's worker lowers itself, so no
  // job has to remember to.
  const int ui_nice = getpriority(PRIO_PROCESS, 0);
  if (ui_nice >= 19) return;  // already as low as a thread can go: nothing to lower
  JobRunner runner;
  auto job = runner.submit<int>([](JobControl&) { return getpriority(PRIO_PROCESS, 0); });
  wait_finished(*job);
  const std::optional<int> job_nice = job->take();
  REQUIRE(job_nice.has_value());
  CHECK(*job_nice > ui_nice);
}

TEST_CASE("jobs: with the idle background priority, a job's thread runs SCHED_IDLE off one core") {
  // The window chooses it under software GL, where a frame needs every core: an idle-policy thread
  // gives way at once, where a niced one runs out its time slice first.
  struct Restore {
    BackgroundPriority before = background_priority().load();
    ~Restore() { background_priority() = before; }
  } restore;
  JobRunner runner;  // made before the choice, as the window's quality meter is
  background_priority() = BackgroundPriority::Idle;
  struct Seen {
    int policy = -1, cores = 0;
  };
  const auto look = [](JobControl&) {
    Seen seen;
    seen.policy = sched_getscheduler(0);
    cpu_set_t cores;
    CPU_ZERO(&cores);
    if (sched_getaffinity(0, sizeof cores, &cores) == 0) seen.cores = CPU_COUNT(&cores);
    return seen;
  };
  auto first = runner.submit<Seen>(look);
  auto second = runner.submit<Seen>(look);  // lowered again: still one core fewer, not two
  wait_finished(*second);
  CHECK(sched_getscheduler(0) != SCHED_IDLE);  // the caller keeps its own
  // Every core the caller may use but one, when it may use two or more.
  cpu_set_t mine;
  CPU_ZERO(&mine);
  REQUIRE(sched_getaffinity(0, sizeof mine, &mine) == 0);
  const int expected = CPU_COUNT(&mine) >= 2 ? CPU_COUNT(&mine) - 1 : CPU_COUNT(&mine);
  for (auto* job : {&first, &second}) {
    const std::optional<Seen> seen = (*job)->take();
    REQUIRE(seen.has_value());
    CHECK(seen->policy == SCHED_IDLE);
    CHECK(seen->cores == expected);
  }
}
