// Ctrl-C and SIGTERM during a long command-line run (train, sample, export, likelihood): the run checks the
// flag between steps and stops cleanly, writing nothing, instead of dying mid-write.
#pragma once
#include <atomic>
#include <csignal>
#include <string>

namespace scorelab::cli {

// Installs the cancel handler for SIGINT and SIGTERM for its lifetime (the previous handlers are
// restored after), and clears any earlier cancel.
class CancelOnSignal {
 public:
  CancelOnSignal();
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

  bool cancelled() const;
  // The flag itself, for a run that polls an atomic (the likelihood's LikelihoodControl::cancel).
  const std::atomic<bool>& flag() const;
  // Throws InputError(message) once a signal arrived.
  void throw_if_cancelled(const std::string& message) const;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace scorelab::cli
