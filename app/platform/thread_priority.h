// The OS side of running background work below the UI thread: thread priority and core affinity
// (Linux calls), kept in one header so that another platform replaces only this file.
#pragma once
#include <atomic>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace scorelab::app {

// Background work (the trainer, the jobs of app/state/jobs.h) runs below the UI thread; threads
// it creates inherit its priority (per thread on Linux). Best effort: where it fails, the thread
// keeps the UI's priority.
//   Nice  nice +10: when the cores are contended the UI comes first, and background work still
//         gets a small share (training goes on beside other busy programs).
//   Idle  SCHED_IDLE, on every core but the first: only cores that nothing else wants. The
//         window chooses it when it draws with software GL, unscripted (window.cpp), where a
//         frame needs every core. perf sched showed a niced thread the scheduler had picked run
//         out its time slice (~3 ms) while the UI thread, a rasteriser thread or the X server
//         waited; an idle-policy thread gives way sooner. Kept off the first core, background
//         threads never take the core the UI thread leaves for a moment (a round trip to the X
//         server) and make it wait for the next scheduler tick (4 ms) to get it back.
enum class BackgroundPriority { Nice, Idle };

// The process's choice, read by lower_thread_priority (a job runner calls it before each job).
inline std::atomic<BackgroundPriority>& background_priority() {
  static std::atomic<BackgroundPriority> priority{BackgroundPriority::Nice};
  return priority;
}

// Confines the calling thread to the cores the process's main (UI) thread may use but the first,
// when those are two or more. From the main thread's set, not the caller's: a job runner calls
// this before every job, and must not give up another core each time.
inline void leave_first_core() {
  cpu_set_t cores;
  CPU_ZERO(&cores);
  if (sched_getaffinity(getpid(), sizeof cores, &cores) != 0 || CPU_COUNT(&cores) < 2) return;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &cores)) {
      CPU_CLR(c, &cores);
      break;
    }
  sched_setaffinity(0, sizeof cores, &cores);  // best effort, as the rest
}

inline void lower_thread_priority() {
  if (background_priority().load() == BackgroundPriority::Idle) {
    leave_first_core();
    sched_param unused{};
    if (sched_setscheduler(0, SCHED_IDLE, &unused) == 0) return;  // 0: this thread
  }
  constexpr int kBackgroundNice = 10;
  setpriority(PRIO_PROCESS, 0, kBackgroundNice);  // 0: this thread
}

}  // namespace scorelab::app
