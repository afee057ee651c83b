// A step with a mounted directory, measured against the same step without it, in this process:
// an uncached step (the step runner, as with-exec uses it) with a 10,000-file folder mounted at
// /src costs at most 1.3x the same step without the mount, since the folder is seen through an
// overlay instead of being copied. What a copy of the folder costs (what each step paid before)
// is shown beside it. Usage: mount_bench [RUNTIME] (crun or runc; the first found by default).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/executor/step_runner.h"
#include "median.h"
#include "process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kFiles = 10000;
constexpr int kFilesPerFolder = 100;

// A root filesystem layer holding only a static busybox as /bin/sh; empty when there is none.
std::string MakeBusyboxLayer(const fs::path& layer) {
  const std::string busybox = host::bench::Output("command -v busybox");
  if (busybox.empty()) return "no busybox found (apt-get install busybox-static)";
  std::error_code ec;
  fs::create_directories(layer / "bin", ec);
  fs::create_directories(layer / "etc", ec);
  fs::copy_file(busybox, layer / "bin" / "busybox", ec);
  if (ec) return "cannot copy " + busybox + ": " + ec.message();
  fs::create_symlink("busybox", layer / "bin" / "sh", ec);
  std::ofstream(layer / "etc" / "passwd") << "root:x:0:0:root:/root:/bin/sh\n";
  return "";
}

// A folder of kFiles small files in sub-folders of kFilesPerFolder.
void MakeTree(const fs::path& tree) {
  for (int i = 0; i < kFiles; ++i) {
    const fs::path folder = tree / ("d" + std::to_string(i / kFilesPerFolder));
    if (i % kFilesPerFolder == 0) fs::create_directories(folder);
    std::ofstream(folder / ("f" + std::to_string(i))) << "file " << i << "\n";
  }
}

// The wall time of one step in ms, or -1 (with the error printed) when it failed.
double TimedStep(const host::StepRunner& runner, const host::StepSpec& spec) {
  const auto started = Clock::now();
  host::Result<host::StepResult> result = runner.Run(spec);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (!result.ok() || result->exit_code != 0) {
    std::fprintf(stderr, "step failed: %s\n",
                 result.ok() ? result->stderr_bytes.c_str() : result.status().message().c_str());
    return -1;
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string runtime = argc > 1 ? argv[1] : "";
  char root_template[] = "/tmp/host-bench-mount-XXXXXX";
  if (mkdtemp(root_template) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path root = root_template;
  struct RemoveRoot {
    fs::path path;
    ~RemoveRoot() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } remove_root{root};
  if (std::string error = MakeBusyboxLayer(root / "layer"); !error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  MakeTree(root / "tree");
  host::Result<host::StepRunner> runner = host::StepRunner::Create({root / "state", runtime});
  if (!runner.ok()) {
    std::fprintf(stderr, "%s\n", runner.status().message().c_str());
    return 1;
  }

  host::StepSpec plain;
  plain.layers = {root / "layer"};
  plain.args = {"sh", "-c", "echo hi"};
  host::StepSpec mounted = plain;
  mounted.mounts = {host::StepMount::Overlay(root / "tree", "/src")};

  // Warm up, then alternate, so that both see the same state of the machine.
  for (int i = 0; i < 3; ++i) {
    if (TimedStep(*runner, plain) < 0 || TimedStep(*runner, mounted) < 0) return 1;
  }
  const int runs = 21;
  std::vector<double> plain_samples, mounted_samples, copy_samples;
  for (int i = 0; i < runs; ++i) {
    plain_samples.push_back(TimedStep(*runner, plain));
    mounted_samples.push_back(TimedStep(*runner, mounted));
  }
  // What a copy of the tree costs: each step paid it before, cached or not.
  for (int i = 0; i < 3; ++i) {
    copy_samples.push_back(host::bench::TimedRun(
        {"cp", "-a", (root / "tree").string(), (root / ("copy" + std::to_string(i))).string()}));
  }
  const double plain_ms = host::bench::MedianOrFailed(plain_samples);
  const double mounted_ms = host::bench::MedianOrFailed(mounted_samples);
  const double copy_ms = host::bench::MedianOrFailed(copy_samples);
  if (plain_ms <= 0 || mounted_ms < 0) {
    std::fprintf(stderr, "a step failed\n");
    return 1;
  }
  std::printf(
      "mount_bench (%s): step %.1f ms, with a %d-file folder mounted %.1f ms; "
      "cp -a of that folder %.1f ms\n",
      runner->runtime().name.c_str(), plain_ms, kFiles, mounted_ms, copy_ms);
  bool ok = host::bench::Figure("uncached step with a 10,000-file mount / without",
                                mounted_ms / plain_ms, 1.3, "x");
  return ok ? 0 : 1;
}
