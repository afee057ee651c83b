// The process's operator new, failing while host::test::g_fail_new is set. In a file of its own
// so that no caller sees the replacement inlined.
#include "tests/sdk/failing_new.h"

#include <cstdlib>
#include <new>

namespace host::test {
std::atomic<bool> g_fail_new{false};
}  // namespace host::test

void* operator new(std::size_t size) {
  if (host::test::g_fail_new.load()) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
