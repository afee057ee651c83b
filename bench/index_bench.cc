// The module index's crawl: 100 synthetic modules x 3 versions published to a loopback registry,
// then read into the catalog JSON by CrawlRegistries, cold (an empty state folder) and warm (the
// documents fetched by digest already cached). Figures: a cold crawl at most 2,500 ms, a warm one
// at most 1,000 ms (medians). `index_bench MODULES VERSIONS` changes the size.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/index/crawl.h"
#include "index_modules.h"
#include "median.h"
#include "process.h"
#include "registry.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  const int modules = argc > 1 ? std::atoi(argv[1]) : 100;
  const int versions = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  char root_template[] = "/tmp/host-index-bench-XXXXXX";
  const std::string root = mkdtemp(root_template);
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
  const auto publish_start = std::chrono::steady_clock::now();
  const std::string failure = host::bench::PublishSyntheticModules(
      address, "bench", fs::path(root) / "modules", modules, versions);
  if (!failure.empty()) {
    std::fprintf(stderr, "cannot publish the modules: %s\n", failure.c_str());
    return finish(1);
  }
  std::printf(
      "index: published %d modules x %d versions in %.1f s\n", modules, versions,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - publish_start).count());

  // One crawl into state_dir; its time in ms, or -1 after saying what was wrong.
  auto crawl = [&](const std::string& state_dir) {
    host::index::CrawlOptions options;
    options.registries = {address + "/bench"};
    options.state_dir = state_dir;
    host::images::RegistryClient client{host::images::Config{}};
    const auto start = std::chrono::steady_clock::now();
    host::Result<nlohmann::json> catalog = host::index::CrawlRegistries(options, client);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!catalog.ok()) {
      std::fprintf(stderr, "crawl failed: %s\n", catalog.status().message().c_str());
      return -1.0;
    }
    size_t listed = 0;
    for (const auto& module : (*catalog)["modules"]) listed += module["versions"].size();
    if (listed != static_cast<size_t>(modules * versions) || !(*catalog)["problems"].empty()) {
      std::fprintf(stderr, "the crawl listed %zu versions of %d; problems: %s\n", listed,
                   modules * versions, (*catalog)["problems"].dump().c_str());
      return -1.0;
    }
    return ms;
  };
  const int runs = 3;
  std::vector<double> cold, warm;
  for (int i = 0; i < runs; ++i) {
    const std::string state = root + "/crawl-" + std::to_string(i);
    cold.push_back(crawl(state));
    warm.push_back(crawl(state));
  }
  const double cold_ms = host::bench::MedianOrFailed(cold);
  const double warm_ms = host::bench::MedianOrFailed(warm);
  if (cold_ms < 0 || warm_ms < 0) return finish(1);
  const std::string what = std::to_string(modules) + " modules x " + std::to_string(versions);
  bool ok = host::bench::Figure(("index: crawl of " + what + " versions, cold").c_str(), cold_ms,
                                2500, "ms");
  ok = host::bench::Figure(("index: crawl of " + what + " versions, warm").c_str(), warm_ms, 1000,
                           "ms") &&
       ok;
  return finish(ok ? 0 : 1);
}
