// What every fuzz target does when a promise of the code under test is broken.
#ifndef HOST_TESTS_FUZZ_FUZZ_CHECK_H_
#define HOST_TESTS_FUZZ_FUZZ_CHECK_H_

#include <errno.h>

#include <cstdio>
#include <cstdlib>

namespace host::fuzz {

// Reports a broken promise, named by the target, and stops, so libFuzzer keeps the input.
inline void Expect(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
  std::abort();
}

}  // namespace host::fuzz

#endif  // HOST_TESTS_FUZZ_FUZZ_CHECK_H_
