// ForegroundGate: where background work steps aside while the foreground needs every core.
//
// The window closes it while software GL rasterises and presents a frame: llvmpipe runs one
// rasteriser thread per core, and a frame is as late as its slowest thread, so a training step
// that takes a core then delays the whole frame. Background loops (the trainer between steps, a
// quality measurement between sampler steps, a likelihood map between ODE steps) call pass() at
// their natural boundaries, at most about a millisecond of work apart: it returns at once while
// the gate is open and waits while it is closed. A unit of work already running finishes; none
// starts while the gate is closed. The thread that closes the gate never passes it itself until
// it has opened it again (it would wait for itself).
#pragma once
#include <atomic>

namespace scorelab {

class ForegroundGate {
 public:
  // The foreground's side. Every close() must be followed by an open(): work waits until then.
  void close() { closed_.store(true, std::memory_order_release); }
  void open() {
    closed_.store(false, std::memory_order_release);
    closed_.notify_all();
  }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  // The background's side: returns once the gate is open.
  void pass() const { closed_.wait(true, std::memory_order_acquire); }

 private:
  std::atomic<bool> closed_{false};
};

// A null gate never holds work back (headless runs, tests).
inline void pass(const ForegroundGate* gate) {
  if (gate) gate->pass();
}

}  // namespace scorelab
