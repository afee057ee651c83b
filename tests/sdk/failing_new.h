// An operator new that can be made to fail, for tests of what code does when memory runs out
// (defined in failing_new.cc, which replaces the process's operator new).
#ifndef HOST_TESTS_SDK_FAILING_NEW_H_
#define HOST_TESTS_SDK_FAILING_NEW_H_

#include <atomic>

namespace host::test {

// While set, every operator new of the process throws std::bad_alloc.
extern std::atomic<bool> g_fail_new;

}  // namespace host::test

#endif  // HOST_TESTS_SDK_FAILING_NEW_H_
