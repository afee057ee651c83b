// A `host serve` process for tests and benchmarks: started in the background, stopped at the end.
#ifndef HOST_TESTS_SUPPORT_SERVE_PROCESS_H_
#define HOST_TESTS_SUPPORT_SERVE_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace host::test {

// Runs `host serve` with args and env until destroyed; address() is where it serves.
class ServeProcess {
 public:
  // Starts host_binary serve args... with env entries "NAME=VALUE", its stderr in log_path, and
  // waits up to 30 s for it to print the address it serves on.
  ServeProcess(const std::string& host_binary, const std::vector<std::string>& args,
               const std::vector<std::string>& env, std::string log_path)
      : log_path_(std::move(log_path)) {
    pid_ = fork();
    if (pid_ == 0) {
      int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(log, 2);
      for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
      std::vector<std::string> argv = {host_binary, "serve"};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> raw;
      for (auto& a : argv) raw.push_back(a.data());
      raw.push_back(nullptr);
      execv(raw[0], raw.data());
      _exit(127);
    }
    const std::string mark = "host: serving on ";
    for (int i = 0; i < 3000 && address_.empty() && running(); ++i) {
      std::string text = log();
      if (auto at = text.find(mark); at != std::string::npos) {
        auto end = text.find('\n', at);
        if (end != std::string::npos)
          address_ = text.substr(at + mark.size(), end - at - mark.size());
      }
      if (address_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~ServeProcess() { Stop(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // The address served on (unix:///PATH or tcp://HOST:PORT); empty when it did not start.
  const std::string& address() const { return address_; }
  // The server's process ID.
  pid_t pid() const { return pid_; }
  // Whether the server still runs.
  bool running() {
    if (exit_code_ >= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  // What the server printed on stderr so far.
  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Stops the server with SIGTERM and returns its exit code.
  int Stop() {
    if (running()) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return exit_code_;
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string address_;
};

}  // namespace host::test

#endif  // HOST_TESTS_SUPPORT_SERVE_PROCESS_H_
