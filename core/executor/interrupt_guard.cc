#include "core/executor/interrupt_guard.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <mutex>

namespace host {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM};

std::mutex guard_mutex;
int guard_count = 0;
struct sigaction previous[2];
bool installed[2] = {false, false};
// Written by the handler; created once and never closed, so the handler cannot hit a stale fd.
int interrupt_pipe[2] = {-1, -1};
volatile std::sig_atomic_t caught_signal = 0;
volatile std::sig_atomic_t pipe_write_fd = -1;

void OnSignal(int sig) {
  int saved_errno = errno;
  caught_signal = sig;
  if (pipe_write_fd >= 0) {
    ssize_t ignored = write(pipe_write_fd, "!", 1);
    (void)ignored;
  }
  errno = saved_errno;
}

void DrainPipe() {
  char buffer[64];
  while (read(interrupt_pipe[0], buffer, sizeof buffer) > 0) {
  }
}

}  // namespace

InterruptGuard::InterruptGuard() {
  std::lock_guard<std::mutex> lock(guard_mutex);
  if (guard_count++ > 0) return;
  if (interrupt_pipe[0] < 0 && pipe2(interrupt_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
    pipe_write_fd = interrupt_pipe[1];
  }
  for (int i = 0; i < 2; ++i) {
    installed[i] = false;
    if (sigaction(kSignals[i], nullptr, &previous[i]) != 0) continue;
    if (previous[i].sa_handler == SIG_IGN) continue;
    struct sigaction action = {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    installed[i] = sigaction(kSignals[i], &action, nullptr) == 0;
  }
}

InterruptGuard::~InterruptGuard() {
  int raise_signal = 0;
  {
    std::lock_guard<std::mutex> lock(guard_mutex);
    if (--guard_count > 0) return;
    for (int i = 0; i < 2; ++i) {
      if (installed[i]) sigaction(kSignals[i], &previous[i], nullptr);
      installed[i] = false;
    }
    if (interrupt_pipe[0] >= 0) DrainPipe();
    raise_signal = caught_signal;
    caught_signal = 0;
  }
  if (raise_signal != 0) raise(raise_signal);
}

int InterruptGuard::fd() const { return interrupt_pipe[0]; }

int InterruptGuard::caught() const { return caught_signal; }

}  // namespace host
