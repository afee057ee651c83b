// Loading a module that depends on a Node.js module: `host -m jscaller functions` (a C++ module
// whose dependency jsmod runs in node) against the same module without the dependency. The
// schema of jsmod is kept by its folder's digest, so only the first load starts node. Figure: the
// median load with the dependency at most 1.2x the median without it. The first (describing)
// load is shown, not checked, and so is the test modules' jscaller, whose jsmod also loads lcxx.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"

namespace fs = std::filesystem;

int main() {
  char state_template[] = "/tmp/host-lazy-bench-XXXXXX";
  if (mkdtemp(state_template) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path root = state_template;
  setenv("HOST_STATE_DIR", (root / "state").c_str(), 1);
  const fs::path modules = HOST_TEST_MODULES;
  // jscaller's shared object twice: with its dependency jsmod (the Node.js test module, here
  // without jsmod's own dependency on a C++ module, so that only the Node.js module differs) and
  // without it.
  const fs::path jsmod = root / "jsmod";
  const fs::path with_dir = root / "with";
  const fs::path alone = root / "alone";
  std::error_code error;
  for (const fs::path& dir : {jsmod, with_dir, alone}) fs::create_directories(dir);
  fs::create_symlink(modules / "jsmod" / "index.js", jsmod / "index.js", error);
  host::bench::WriteText((jsmod / "module.json").string(),
                         R"({"name": "jsmod", "version": "0.1.0", "sdk": "node",
                             "runtime": {"command": ["node", "index.js"]}})");
  for (const fs::path& dir : {with_dir, alone}) {
    fs::create_symlink(modules / "jscaller" / "libjscaller.so", dir / "libjscaller.so", error);
  }
  const std::string manifest =
      R"({"name": "jscaller", "version": "0.1.0", "sdk": "cpp", "object": "libjscaller.so")";
  host::bench::WriteText(
      (with_dir / "module.json").string(),
      manifest + R"(, "dependencies": [{"name": "jsmod", "source": "../jsmod"}]})");
  host::bench::WriteText((alone / "module.json").string(), manifest + "}");
  const std::vector<std::string> with = {HOST_BINARY, "-m", with_dir.string(), "functions"};
  const std::vector<std::string> without = {HOST_BINARY, "-m", alone.string(), "functions"};
  // The test modules' own jscaller, whose jsmod also depends on lcxx (a clang++/libc++ shared
  // object, loaded in process): shown, not checked, since lcxx's load is not the Node.js module's.
  const std::vector<std::string> whole = {HOST_BINARY, "-m", (modules / "jscaller").string(),
                                          "functions"};

  const double first = host::bench::TimedRun(with);  // describes jsmod: starts node
  host::bench::TimedRun(whole);                      // the same for the test modules' jsmod
  std::vector<double> with_samples, without_samples, whole_samples;
  for (int i = 0; i < 3; ++i) host::bench::TimedRun(without);  // warm the page cache
  const int runs = 31;
  for (int i = 0; i < runs; ++i) {  // alternating, so both see the same machine
    with_samples.push_back(host::bench::TimedRun(with));
    whole_samples.push_back(host::bench::TimedRun(whole));
    without_samples.push_back(host::bench::TimedRun(without));
  }
  fs::remove_all(root, error);
  const double with_ms = host::bench::MedianOrFailed(with_samples);
  const double without_ms = host::bench::MedianOrFailed(without_samples);
  if (first < 0 || with_ms < 0 || without_ms < 0) {
    std::fprintf(stderr, "lazy_load: a run failed (run the commands by hand to see why)\n");
    return 1;
  }
  std::printf("lazy_load: first load of jscaller (describes jsmod)   %7.2f ms\n", first);
  std::printf("lazy_load: jscaller with its Node.js dependency      median %6.2f ms\n", with_ms);
  std::printf("lazy_load: jscaller without it                      median %6.2f ms\n", without_ms);
  const double whole_ms = host::bench::MedianOrFailed(whole_samples);
  std::printf(
      "lazy_load: test modules' jscaller (jsmod -> lcxx too) median %6.2f ms (%.2fx, not "
      "checked)\n",
      whole_ms, whole_ms / without_ms);
  return host::bench::Figure("load with a Node.js dependency / without (x)", with_ms / without_ms,
                             1.2, "x")
             ? 0
             : 1;
}
