// Pulling and unpacking a 50 MB image from a loopback registry, against `skopeo copy` to an OCI
// layout followed by `umoci unpack` of the same image, measured in the same run. Figure: host's
// throughput at least 70% of the baseline's (its time at most 1/0.7 of the baseline's).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"
#include "registry.h"

int main() {
  namespace fs = std::filesystem;
  using host::bench::MedianMs;
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  char root_template[] = "/tmp/host-pull-bench-XXXXXX";
  const std::string root = mkdtemp(root_template);
  const std::string address =
      host::bench::ServeFixtureImage(fixtures, root, "make-big-image.sh", "big", "50", "big");
  if (address.empty()) {
    fs::remove_all(root);
    return 1;
  }
  const std::string image = address + "/big:latest";
  uint64_t bytes = 0;
  for (const auto& blob : fs::directory_iterator(root + "/oci/blobs/sha256"))
    bytes += blob.file_size();

  const int runs = 5;
  // Each run starts from nothing: a fresh layout and bundle, a fresh state folder.
  std::ofstream(root + "/baseline.sh") << "set -e\nd=$(mktemp -d -p " << root << ")\n"
                                       << "skopeo copy -q docker://" << image << " oci:$d/oci:big"
                                       << " --src-tls-verify=false\n"
                                       << "umoci unpack --image $d/oci:big $d/bundle >/dev/null\n"
                                       << "rm -rf $d\n";
  std::ofstream(root + "/host.sh") << "set -e\nd=$(mktemp -d -p " << root << ")\n"
                                   << "HOST_STATE_DIR=$d " << HOST_BINARY
                                   << " -q call container from --address " << image << " sync\n"
                                   << "rm -rf $d\n";
  double baseline = MedianMs(runs, [&](int) {
    return std::vector<std::string>{"bash", root + "/baseline.sh"};
  });
  double host = MedianMs(runs, [&](int) {
    return std::vector<std::string>{"bash", root + "/host.sh"};
  });

  host::bench::StopRegistry(fixtures, root + "/registry");
  fs::remove_all(root);
  if (baseline <= 0 || host <= 0) {
    std::fprintf(stderr, "a pull failed\n");
    return 1;
  }
  double mb = static_cast<double>(bytes) / 1e6;
  std::printf("pull: skopeo copy + umoci unpack of %.0f MB   median %7.0f ms  (%.0f MB/s)\n", mb,
              baseline, mb / baseline * 1000);
  std::printf("pull: host pull + unpack of %.0f MB            median %7.0f ms  (%.0f MB/s)\n", mb,
              host, mb / host * 1000);
  // Throughput ratio host/baseline must be at least 0.7: the inverse time ratio at most 1/0.7.
  return host::bench::Figure("pull time / skopeo+umoci time (at most 1/0.7)", host / baseline,
                             1 / 0.7, "x")
             ? 0
             : 1;
}
