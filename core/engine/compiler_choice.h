// The compilers and flags a module build takes from the environment (CC, CXX, CFLAGS, CXXFLAGS,
// LDFLAGS). CMake reads them only when it first configures a build folder, so host records them
// beside the build and configures afresh when they change.
#ifndef HOST_ENGINE_COMPILER_CHOICE_H_
#define HOST_ENGINE_COMPILER_CHOICE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host {

// The values of the compiler variables in one environment (empty: unset or empty, which CMake
// takes alike).
struct CompilerChoice {
  // NAME and value of each variable, in the order CC, CXX, CFLAGS, CXXFLAGS, LDFLAGS.
  std::vector<std::pair<std::string, std::string>> variables;

  // One NAME=value line per variable (newlines and backslashes escaped); what a build folder's
  // record of its configured compilers holds.
  std::string Text() const;
  // NAME=value entries of the variables that are set, for a build's environment.
  std::vector<std::string> Environment() const;
  // The variables that are set, as "CC=clang CXX=clang++" for progress lines; empty when none is.
  std::string Summary() const;
};

// The choice in this process's environment.
CompilerChoice CompilerChoiceFromEnvironment();

// For a configure that failed: the ones of CC and CXX that name a program which cannot be run
// (not found on search_path, the build's ':'-separated PATH, or not executable), each said with
// what to do; empty when both are unset or runnable.
std::string UnrunnableCompilers(const CompilerChoice& choice, std::string_view search_path);

}  // namespace host

#endif  // HOST_ENGINE_COMPILER_CHOICE_H_
