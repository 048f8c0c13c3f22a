// CancelOnSignal: an async-signal-safe flag set by the handler, read by the run between steps.
#include "app/cli/cancel.h"

#include <atomic>

#include "core/common/error.h"

namespace scorelab::cli {
namespace {

std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);  // so the handler may set it

extern "C" void on_cancel_signal(int) {
  g_cancel.store(true);
}

}  // namespace

CancelOnSignal::CancelOnSignal() {
  g_cancel.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_cancel_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

CancelOnSignal::~CancelOnSignal() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool CancelOnSignal::cancelled() const {
  return g_cancel.load();
}

const std::atomic<bool>& CancelOnSignal::flag() const {
  return g_cancel;
}

void CancelOnSignal::throw_if_cancelled(const std::string& message) const {
  if (cancelled()) throw InputError(message);
}

}  // namespace scorelab::cli
