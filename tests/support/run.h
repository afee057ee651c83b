// Runs a command for a test and captures what it printed and how it exited.
#ifndef HOST_TESTS_SUPPORT_RUN_H_
#define HOST_TESTS_SUPPORT_RUN_H_

#include <string>
#include <vector>

namespace host::test {

// What a finished process left behind.
struct Ran {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] looked up on PATH) with extra environment entries "NAME=VALUE".
Ran Run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
        const std::string& cwd = "");

// Runs the host binary under test with args.
Ran RunHost(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
            const std::string& cwd = "");

// A fresh empty folder under the system's temporary folder, removed by the caller.
std::string TempDir();

// The folder of a fixture module built for the tests.
std::string TestModule(const std::string& name);

}  // namespace host::test

#endif  // HOST_TESTS_SUPPORT_RUN_H_
