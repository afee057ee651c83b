// Running whole processes in benchmarks: wall times, medians, first lines of output, files they
// wrote.
#ifndef HOST_BENCH_PROCESS_H_
#define HOST_BENCH_PROCESS_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "median.h"

extern char** environ;

namespace host::bench {

// Runs argv (in env, a null-terminated list of NAME=VALUE) with stdout discarded and stderr
// written to stderr_path; returns the wall time in ms, or -1 when it failed.
inline double TimedRun(const std::vector<std::string>& argv, char* const* env = environ,
                       const char* stderr_path = "/dev/null") {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

// Runs a shell command and returns its first output line.
inline std::string Output(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  char buf[512] = {0};
  std::string out = fgets(buf, sizeof buf, pipe) ? buf : "";
  pclose(pipe);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Writes text to path, replacing it.
inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// The whole text of a file, or "" when it cannot be read.
inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The median time of runs of make_argv(i), or -1 if any run failed.
template <class F>
inline double MedianMs(int runs, F make_argv) {
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    double ms = TimedRun(make_argv(i));
    if (ms < 0) return -1;
    samples.push_back(ms);
  }
  return Median(samples);
}

}  // namespace host::bench

#endif  // HOST_BENCH_PROCESS_H_
