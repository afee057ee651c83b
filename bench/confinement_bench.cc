// What confining paths and leasing store entries cost, against the operations they are part of,
// run in the same process:
// - `file --path P contents` on a cached container resolves P inside the container's layers
//   (symlinks followed inside the tree, component by component) before reading. The extra work,
//   resolved lookup minus the unresolved one host did before (timed in process over a 10-layer
//   stack), is at most 5% of the whole `host call ... file --path P contents` (a process);
// - a cached 10-step run leases the 11 entries it uses; leasing them in a fresh process is at most
//   5% of the whole cached run (a process).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/base/tree_path.h"
#include "core/types/layer_view.h"
#include "core/types/store_leases.h"
#include "median.h"
#include "process.h"
#include "registry.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// Reads a whole file, as File.contents does.
size_t ReadAllBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {}).size();
}

// The median of `rounds` timings (µs) of `batch` calls of fn.
template <class F>
double MedianMicros(int rounds, int batch, F fn) {
  std::vector<double> samples;
  for (int r = 0; r < rounds; ++r) {
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) fn();
    samples.push_back(MicrosSince(start) / batch);
  }
  return host::bench::Median(samples);
}

}  // namespace

int main() {
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  char root_template[] = "/tmp/host-bench-XXXXXX";
  const fs::path root = mkdtemp(root_template);
  if (std::system(("bash " + fixtures + "/make-busybox-image.sh " + root.string() +
                   "/oci latest >/dev/null")
                      .c_str()) != 0) {
    std::fprintf(stderr, "cannot build the test image\n");
    return 1;
  }
  const std::string address = host::bench::ServeImage(fixtures, root.string() + "/registry",
                                                      root.string() + "/oci:latest", "busybox");
  if (address.empty()) {
    std::fprintf(stderr, "cannot start the registry or push the image\n");
    fs::remove_all(root);
    return 1;
  }
  std::ofstream(root / "config.json") << R"({"insecure": [")" << address << R"("]})";
  setenv("HOST_CONFIG", (root / "config.json").c_str(), 1);
  setenv("HOST_STATE_DIR", (root / "host-state").c_str(), 1);
  const std::string image = address + "/busybox:latest";
  std::vector<std::string> pipeline = {HOST_BINARY, "-q",        "call", "container",
                                       "from",      "--address", image};
  for (int step = 0; step < 10; ++step) {
    pipeline.insert(pipeline.end(), {"with-exec", "--args", "echo,step," + std::to_string(step)});
  }
  std::vector<std::string> file_contents = pipeline;
  pipeline.push_back("stdout");
  file_contents.insert(file_contents.end(), {"file", "--path", "/bin/../etc/passwd", "contents"});
  host::bench::TimedRun(pipeline);  // fills the cache
  host::bench::TimedRun(file_contents);
  std::vector<double> pipeline_samples, file_samples;
  for (int i = 0; i < 21; ++i) {  // alternating, so both see the same machine
    pipeline_samples.push_back(host::bench::TimedRun(pipeline));
    file_samples.push_back(host::bench::TimedRun(file_contents));
  }
  host::bench::StopRegistry(fixtures, root.string() + "/registry");
  const double pipeline_ms = host::bench::MedianOrFailed(pipeline_samples);
  const double file_ms = host::bench::MedianOrFailed(file_samples);

  // Ten layers shaped like an image's: each adds a few folders and files; the file read is in
  // the fourth, under a folder every layer has, with a symlinked folder on the way.
  std::vector<fs::path> layers;
  for (int i = 0; i < 10; ++i) {
    fs::path layer = root / ("layer" + std::to_string(i));
    fs::create_directories(layer / "usr/share/doc" / ("pkg" + std::to_string(i)));
    fs::create_directories(layer / "etc");
    std::ofstream(layer / "etc" / ("conf" + std::to_string(i))) << "x";
    layers.push_back(layer);
  }
  std::ofstream(layers[3] / "usr/share/doc/pkg3/README") << std::string(4096, 'r');
  fs::create_symlink("usr/share/doc", layers[5] / "docs");
  const std::string asked = "/usr/share/doc/pkg3/README";

  size_t sink = 0;
  auto unresolved = [&] {
    fs::path found = host::FindInLayers(layers, "usr/share/doc/pkg3/README");
    sink += ReadAllBytes(found);
  };
  auto resolved = [&] {
    host::Result<std::string> at =
        host::ResolveInTree(asked, host::LayerLookup(layers), host::LastLink::kFollow);
    fs::path found = host::FindInLayers(layers, *at);
    struct stat st {};
    if (lstat(found.c_str(), &st) == 0 && S_ISREG(st.st_mode)) sink += ReadAllBytes(found);
  };
  // Alternate the two, so both see the same machine.
  std::vector<double> plain_rounds, confined_rounds;
  for (int round = 0; round < 15; ++round) {
    plain_rounds.push_back(MedianMicros(1, 2000, unresolved));
    confined_rounds.push_back(MedianMicros(1, 2000, resolved));
  }
  const double plain = host::bench::Median(plain_rounds);
  const double confined = host::bench::Median(confined_rounds);

  // Leases: a fresh process leasing what a cached 10-step run uses (1 image layer, 10 steps).
  std::vector<fs::path> entries = {root / "state/layers/image"};
  for (int i = 0; i < 10; ++i)
    entries.push_back(root / "state/steps" / ("step" + std::to_string(i)));
  for (const auto& e : entries) fs::create_directories(e);
  std::vector<double> lease_samples;
  for (int round = 0; round < 50; ++round) {
    auto start = Clock::now();
    {
      host::StoreLeases leases(root / "state");
      for (const auto& e : entries) {
        if (!*leases.Hold({e})) return 1;
      }
    }
    lease_samples.push_back(MicrosSince(start));
  }
  const double lease_us = host::bench::Median(lease_samples);
  fs::remove_all(root);

  std::printf("confinement: cached 10-step run (whole process)              %8.2f ms\n",
              pipeline_ms);
  std::printf("confinement: cached file --path P contents (whole process)     %8.2f ms\n", file_ms);
  std::printf("confinement: lookup + read of a 4 KiB file, 10 layers, unresolved  %8.2f us\n",
              plain);
  std::printf("confinement: the same, resolved inside the layers                %8.2f us\n",
              confined);
  std::printf("confinement: leasing the 11 entries of a cached 10-step run      %8.2f us\n",
              lease_us);
  bool ok = sink > 0 && pipeline_ms > 0 && file_ms > 0;
  ok &= host::bench::Figure("path resolution / cached file contents",
                            100 * (confined - plain) / 1000 / file_ms, 5, "%");
  ok &= host::bench::Figure("leases / cached 10-step run", 100 * lease_us / 1000 / pipeline_ms, 5,
                            "%");
  return ok ? 0 : 1;
}
