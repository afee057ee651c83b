// Remote modules from OCI: a C module published to a loopback registry, then used as
// `host -m oci://ADDR/bench/greeter:1.0.0 functions` as a whole process. Figures: the first use
// with an empty state folder at most 300 ms; a cached use at most 1.5x the same module from a
// local folder, measured in the same run, each as the dependency of a module (pinned in
// host.lock, so in process as the local one is). Also shown: the fetch alone, in process, and the
// cached use of the unpinned module, which runs sandboxed in a process of its own.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/modules/oci_module.h"
#include "median.h"
#include "process.h"
#include "registry.h"

namespace fs = std::filesystem;

namespace {

// Runs a shell command quietly; true when it succeeded.
bool Shell(const std::string& command) { return std::system(command.c_str()) == 0; }

// Why `host args` failed: the first line of its stderr.
std::string FirstError(const std::string& args) {
  return host::bench::Output(std::string(HOST_BINARY) + " " + args + " 2>&1 >/dev/null | head -1");
}

}  // namespace

int main() {
  using host::bench::MedianMs;
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  char root_template[] = "/tmp/host-module-bench-XXXXXX";
  const std::string root = mkdtemp(root_template);
  const std::string host = HOST_BINARY;
  const std::string address =
      host::bench::Output("bash " + fixtures + "/registry.sh start " + root + "/registry");
  auto finish = [&](int code) {
    host::bench::StopRegistry(fixtures, root + "/registry");
    fs::remove_all(root);
    return code;
  };
  if (address.empty()) {
    std::fprintf(stderr, "cannot start the registry\n");
    return finish(1);
  }
  const std::string module = root + "/greeter";
  const std::string ref = "oci://" + address + "/bench/greeter:1.0.0";
  setenv("HOST_STATE_DIR", (root + "/publisher").c_str(), 1);
  if (!Shell(host + " -q init --name greeter --sdk c " + module + " >/dev/null") ||
      !Shell(host + " -q -m " + module + " publish " + ref + " >/dev/null")) {
    std::fprintf(stderr, "cannot make or publish the module\n");
    return finish(1);
  }
  const int runs = 7;

  // The fetch alone, in process, into empty state folders (what -m oci:// adds to a start).
  std::vector<double> fetches;
  for (int i = 0; i < runs; ++i) {
    host::modules::OciModuleRef oci{address, "bench/greeter", "1.0.0", ""};
    host::modules::FetchOptions options;
    options.state_dir = root + "/fetch-" + std::to_string(i);
    host::images::RegistryClient client{host::images::Config{}};
    const auto start = std::chrono::steady_clock::now();
    auto fetched = host::modules::FetchOciModule(oci, options, client);
    fetches.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!fetched.ok() || fetched->prebuilt.empty()) {
      std::fprintf(stderr, "fetch failed: %s\n",
                   fetched.ok() ? "no prebuilt binary chosen" : fetched.status().message().c_str());
      return finish(1);
    }
  }
  std::printf("module: fetch of %s into an empty state folder (in process)  median %6.1f ms\n",
              ref.c_str(), host::bench::Median(fetches));
  // What loading the fetched binary costs, as a separate process.
  fs::path prebuilt;
  for (const auto& entry : fs::directory_iterator(root + "/fetch-0/modules/oci")) {
    if (fs::is_directory(entry.path() / "prebuilt")) {
      prebuilt = fs::directory_iterator(entry.path() / "prebuilt")->path();
    }
  }
  const double loaded = MedianMs(runs, [&](int) {
    return std::vector<std::string>{host, "-q", "-m", prebuilt.string(), "functions"};
  });
  std::printf("module: host -m FETCHED/prebuilt/%s functions  median %6.1f ms\n",
              prebuilt.filename().c_str(), loaded);

  // The local folder, built: the baseline of the cached figure.
  const double local = MedianMs(runs, [&](int) {
    return std::vector<std::string>{host, "-q", "-m", module, "functions"};
  });
  // First use: every run with an empty state folder of its own.
  const double first = MedianMs(runs, [&](int i) {
    setenv("HOST_STATE_DIR", (root + "/first-" + std::to_string(i)).c_str(), 1);
    return std::vector<std::string>{host, "-q", "-m", ref, "functions"};
  });
  setenv("HOST_STATE_DIR", (root + "/cached").c_str(), 1);
  MedianMs(1, [&](int) { return std::vector<std::string>{host, "-q", "-m", ref, "functions"}; });
  const double cached = MedianMs(runs, [&](int) {
    return std::vector<std::string>{host, "-q", "-m", ref, "functions"};
  });
  // The usual use: a module that depends on it, pinned by `host install` (in process), against
  // the same module depending on the local folder.
  const std::string pinned_app = root + "/pinned-app";
  const std::string local_app = root + "/local-app";
  if (!Shell(host + " -q init --name papp --sdk c " + pinned_app + " >/dev/null") ||
      !Shell("cd " + pinned_app + " && " + host + " -q install " + ref + " >/dev/null") ||
      !Shell(host + " -q init --name lapp --sdk c " + local_app + " >/dev/null") ||
      !Shell("cd " + local_app + " && " + host + " -q install " + module + " >/dev/null") ||
      !Shell(host + " -q -m " + pinned_app + " functions >/dev/null") ||
      !Shell(host + " -q -m " + local_app + " functions >/dev/null")) {
    std::fprintf(stderr, "cannot make the modules that depend on greeter\n");
    return finish(1);
  }
  // Runs of about 12 ms each: more of them, interleaved, so that a burst of noise on the machine
  // weighs on both sides of the ratio alike.
  std::vector<double> pinned_runs, local_runs;
  for (int i = 0; i < 21; ++i) {
    pinned_runs.push_back(MedianMs(1, [&](int) {
      return std::vector<std::string>{host, "-q", "-m", pinned_app, "functions"};
    }));
    local_runs.push_back(MedianMs(1, [&](int) {
      return std::vector<std::string>{host, "-q", "-m", local_app, "functions"};
    }));
  }
  const double pinned = host::bench::MedianOrFailed(pinned_runs);
  const double local_dep = host::bench::MedianOrFailed(local_runs);
  if (local <= 0 || first <= 0 || cached <= 0 || pinned <= 0 || local_dep <= 0) {
    std::fprintf(stderr, "a run failed: host -m %s functions: %s\n", ref.c_str(),
                 FirstError("-q -m " + ref + " functions").c_str());
    return finish(1);
  }
  std::printf("module: host -m FOLDER functions (built)          median %6.1f ms\n", local);
  std::printf("module: host -m oci://... functions, empty state  median %6.1f ms\n", first);
  std::printf(
      "module: host -m oci://... functions, cached, sandboxed (not pinned: out of "
      "process under bubblewrap)  median %6.1f ms\n",
      cached);
  std::printf("module: a module depending on it, pinned in host.lock  median %6.1f ms\n", pinned);
  std::printf("module: a module depending on the local folder       median %6.1f ms\n", local_dep);
  bool ok = host::bench::Figure("first use of an OCI module, empty state (ms)", first, 300, "ms");
  ok = host::bench::Figure("cached OCI module (pinned) / local folder", pinned / local_dep, 1.5,
                           "x") &&
       ok;
  return finish(ok ? 0 : 1);
}
