// ForegroundGate: how background work shares the cores with a foreground that needs them.
//
// Background work (training steps, quality measurements, likelihood maps) runs in units, each
// holding one of the gate's `slots` while it runs. A unit starts only while the gate is open and a
// slot is free; one already running finishes. The window closes the gate while software GL
// rasterises a frame: llvmpipe runs one rasteriser thread per core, and a frame is as late as its
// slowest thread, so a background thread holding a core then (even at nice +10) delays the whole
// frame. Between frames the slots keep background threads from outnumbering the cores the UI
// thread leaves: with more runnable threads than cores, the UI thread can wait a whole scheduler
// tick (4 ms) behind a niced one.
//
// A unit is a scope (Unit): from a few hundred microseconds to about a millisecond of work, so the
// foreground never waits longer than that for a core. Nested units on one thread (of any gate)
// count as their outer unit.
#pragma once
#include <condition_variable>
#include <mutex>

namespace scorelab {

class ForegroundGate {
 public:
  explicit ForegroundGate(int slots = 1);

  // The foreground's side. Every close() must be followed by an open(): work waits until then.
  void close();
  void open();
  bool closed() const;

  // The background's side: a unit of work, holding a slot for its lifetime. A null gate never
  // waits (headless runs, tests).
  class Unit {
   public:
    explicit Unit(const ForegroundGate* gate);
    ~Unit();
    Unit(const Unit&) = delete;
    Unit& operator=(const Unit&) = delete;

   private:
    const ForegroundGate* held_ = nullptr;  // null when nested or without a gate
  };

 private:
  const int slots_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool closed_ = false;
  mutable int busy_ = 0;  // slots held
};

}  // namespace scorelab
