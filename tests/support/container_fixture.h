// A test fixture for container tests: a busybox image built offline, served by Debian's
// docker-registry on loopback, and an engine on a fresh state folder per test.
#ifndef HOST_TESTS_SUPPORT_CONTAINER_FIXTURE_H_
#define HOST_TESTS_SUPPORT_CONTAINER_FIXTURE_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {

namespace fs = std::filesystem;

// The registry and image every test here uses, set up once.
class ContainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = test::TempDir();
    const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
    test::Ran built =
        test::Run({"bash", fixtures + "/make-busybox-image.sh", root_ + "/oci", "latest"});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    test::Ran started =
        test::Run({"bash", fixtures + "/registry.sh", "start", root_ + "/registry"});
    ASSERT_EQ(started.exit_code, 0) << started.err;
    address_ = started.out.substr(0, started.out.find('\n'));
    test::Ran pushed =
        test::Run({"skopeo", "copy", "-q", "oci:" + root_ + "/oci:latest",
                   "docker://" + address_ + "/busybox:latest", "--dest-tls-verify=false"});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    std::ofstream(root_ + "/config.json") << R"({"insecure": [")" << address_ << R"("]})";
    setenv("HOST_CONFIG", (root_ + "/config.json").c_str(), 1);
  }
  static void TearDownTestSuite() {
    test::Run({"bash", std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images/registry.sh", "stop",
               root_ + "/registry"});
    fs::remove_all(root_);
  }

  void SetUp() override {
    if (address_.empty()) GTEST_SKIP() << "the test registry did not start";
    state_ = test::TempDir();
  }
  void TearDown() override {
    if (!state_.empty()) fs::remove_all(state_);
  }

  // An engine on this test's state folder; progress goes to *progress when given.
  std::unique_ptr<Runtime> MakeEngine(std::ostream* progress = nullptr) {
    RuntimeOptions options;
    options.state_dir = state_;
    options.progress = progress;
    return std::make_unique<Runtime>(options);
  }

  // Runs a chain of core calls: each step is (object, function, args); args are strings,
  // lists (given as vectors) are not needed here except for with-exec's args.
  struct Step {
    std::string function;
    std::vector<std::pair<std::string, v1::Value>> args;
  };
  static v1::Value S(const std::string& s) {
    v1::Value v;
    v.set_string_value(s);
    return v;
  }
  static v1::Value L(const std::vector<std::string>& items) {
    v1::Value v;
    v.mutable_list_value();  // an empty list is a list, not the absent value
    for (const auto& i : items) v.mutable_list_value()->add_items()->set_string_value(i);
    return v;
  }
  static Result<v1::Value> Chain(const Runtime& engine, const std::vector<Step>& steps,
                                 const std::string& root = "Query") {
    v1::Value current;
    std::string object = root;
    for (const auto& step : steps) {
      v1::Call call;
      call.set_module("core");
      call.set_object(object);
      call.set_function(step.function);
      if (current.kind_case() == v1::Value::kObjectValue) {
        *call.mutable_receiver() = current.object_value();
      }
      for (const auto& [name, value] : step.args) {
        auto* a = call.add_args();
        a->set_name(name);
        *a->mutable_value() = value;
      }
      Result<v1::Value> result = engine.Call(call);
      if (!result.ok()) return result;
      current = *result;
      if (current.kind_case() == v1::Value::kObjectValue)
        object = current.object_value().type_name();
    }
    return current;
  }
  std::vector<Step> From() const {
    return {{"container", {}}, {"from", {{"address", S(address_ + "/busybox:latest")}}}};
  }
  static std::vector<Step> Plus(std::vector<Step> a, const std::vector<Step>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  // Starts a host process in the background whose step sleeps for `seconds`; returns its pid.
  pid_t StartSleepingStep(const std::string& seconds) const {
    pid_t pid = fork();
    if (pid == 0) {
      setenv("HOST_STATE_DIR", state_.c_str(), 1);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl(HOST_BINARY, HOST_BINARY, "-q", "call", "container", "from", "--address",
            (address_ + "/busybox:latest").c_str(), "with-exec", "--args",
            ("sleep," + seconds).c_str(), "sync", static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }

  inline static std::string root_;
  inline static std::string address_;
  std::string state_;
};

}  // namespace host

#endif  // HOST_TESTS_SUPPORT_CONTAINER_FIXTURE_H_
