// Catching SIGINT and SIGTERM while steps run, so that they can kill their containers and clean up
// before the process acts on the signal.
#ifndef HOST_EXECUTOR_INTERRUPT_GUARD_H_
#define HOST_EXECUTOR_INTERRUPT_GUARD_H_

namespace host {

// While at least one guard lives (in any thread), SIGINT and SIGTERM only mark an interrupt. The
// last guard to go restores the previous handlers and then raises the caught signal again, so the
// process still reacts to it, once everything is cleaned up. Signals the process ignores stay
// ignored.
class InterruptGuard {
 public:
  // Installs the handlers if no other guard has.
  InterruptGuard();
  // Restores the handlers if this is the last guard, and re-raises a caught signal.
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // A descriptor that polls readable once an interrupt arrived; never read it.
  int fd() const;
  // The signal that arrived while guards lived, or 0.
  int caught() const;
};

}  // namespace host

#endif  // HOST_EXECUTOR_INTERRUPT_GUARD_H_
