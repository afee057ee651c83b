// The eviction check of a fully cached run, as whole host processes: a cached 10-step pipeline
// with 100,000 files padding the state folder (in step entries), against the same pipeline with
// no padding, in the same run. Each run finds the once-a-minute eviction stamp a minute old (it
// is set back before every run of both), so the eviction check runs every time, as the first run
// after a minute does. Figure: the padded run at most 5 ms slower (medians).
//
// Usage: evict_bench [--files N] [--runs N] [--host PATH]   (defaults: 100000, 21, this build's)
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"
#include "registry.h"

namespace {

namespace fs = std::filesystem;
using host::bench::MedianOrFailed;
using host::bench::TimedRun;

// Sets the eviction stamp of a state folder two minutes back, as if the last check was then.
void AgeEvictionStamp(const std::string& state) {
  const std::string stamp = state + "/last-eviction";
  std::ofstream(stamp, std::ios::app).flush();
  struct timeval old[2];
  gettimeofday(&old[0], nullptr);
  old[0].tv_sec -= 120;
  old[1] = old[0];
  utimes(stamp.c_str(), old);
}

// Adds `files` empty files to state's step store, 100 to a step entry; true when all were made.
bool Pad(const std::string& state, int files) {
  for (int entry = 0; entry * 100 < files; ++entry) {
    char hex[80];
    std::snprintf(hex, sizeof hex, "%064x", entry + 1);
    const std::string layer = state + "/steps/" + hex + "/layer";
    std::error_code ec;
    fs::create_directories(layer, ec);
    if (ec) return false;
    for (int i = 0; i < 100 && entry * 100 + i < files; ++i) {
      std::ofstream file(layer + "/f" + std::to_string(i));
      if (!file) return false;
    }
  }
  return true;
}

// A run of argv with HOST_STATE_DIR set to state, after its eviction stamp was set back.
double TimedIn(const std::string& state, const std::vector<std::string>& argv) {
  setenv("HOST_STATE_DIR", state.c_str(), 1);
  AgeEvictionStamp(state);
  return TimedRun(argv);
}

}  // namespace

int main(int argc, char** argv) {
  int files = 100000, runs = 21;
  std::string host = HOST_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--files") == 0) files = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--host") == 0) host = argv[i + 1];
  }
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  char root_template[] = "/tmp/host-bench-evict-XXXXXX";
  const std::string root = mkdtemp(root_template);
  const std::string address = host::bench::ServeFixtureImage(
      fixtures, root, "make-busybox-image.sh", "latest", "", "busybox");
  if (address.empty()) {
    fs::remove_all(root);
    return 1;
  }
  std::vector<std::string> pipeline = {
      host, "-q", "call", "container", "from", "--address", address + "/busybox:latest"};
  for (int step = 0; step < 10; ++step) {
    pipeline.insert(pipeline.end(), {"with-exec", "--args", "echo,step," + std::to_string(step)});
  }
  pipeline.push_back("stdout");

  const std::string empty = root + "/empty", padded = root + "/padded";
  bool ok = TimedIn(empty, pipeline) >= 0 && TimedIn(padded, pipeline) >= 0;  // fill both
  ok = ok && Pad(padded, files);
  size_t found = 0;  // what the padded state folder holds, as a check of the padding
  for (auto it = fs::recursive_directory_iterator(padded); it != fs::end(it); ++it) ++found;
  if (!ok) std::fprintf(stderr, "cannot fill or pad the state folders\n");
  // The padding was not counted as it was written: the first run after it finds the index
  // missing and walks once to rebuild it (untimed, shown).
  fs::remove(padded + "/store-size");
  const double rebuild = ok ? TimedIn(padded, pipeline) : -1;
  TimedIn(empty, pipeline);  // the same warm-up for both
  std::vector<double> empty_samples, padded_samples;
  for (int i = 0; ok && i < runs; ++i) {  // alternated: both see the same state of the machine
    empty_samples.push_back(TimedIn(empty, pipeline));
    padded_samples.push_back(TimedIn(padded, pipeline));
  }
  const double empty_ms = MedianOrFailed(empty_samples);
  const double padded_ms = MedianOrFailed(padded_samples);
  host::bench::StopRegistry(fixtures, root + "/registry");
  fs::remove_all(root);

  std::printf("evict: cached 10-step pipeline, empty state padding          median %7.2f ms\n",
              empty_ms);
  std::printf("evict: cached 10-step pipeline, %6d files of padding        median %7.2f ms\n",
              files, padded_ms);
  std::printf("evict: the padded state folder holds %zu files and folders\n", found);
  std::printf("evict: first run after padding (walks to rebuild the index)  %7.2f ms\n", rebuild);
  ok = ok && empty_ms > 0 && padded_ms > 0;
  ok &= host::bench::Figure("cached run, padded state folder - empty one",
                            ok ? padded_ms - empty_ms : 1e9, 5.0, "ms");
  return ok ? 0 : 1;
}
