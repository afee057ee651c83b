// The module index: 100 synthetic modules x 3 versions published to a loopback registry, read
// into the catalog JSON by CrawlRegistries, cold (an empty state folder) and warm (the documents
// fetched by digest already cached), then the whole `host index build` as users run it. Then a
// site of 1,000 modules served by the index server and read in headless Chromium: the bytes the
// home page transfers, and the time from a search keystroke to the laid-out results. Figures
// (medians): crawl cold <= 2,500 ms, warm <= 1,000 ms; `host index build` <= 5,000 ms; home page
// <= 100 KB; a keystroke <= 50 ms. `index_bench MODULES VERSIONS` changes the registry's size.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/index/crawl.h"
#include "core/index/index_server.h"
#include "core/index/site.h"
#include "index_modules.h"
#include "median.h"
#include "process.h"
#include "registry.h"

namespace fs = std::filesystem;

namespace {

// A catalog of count modules, one version each, as a crawl of that many would give.
nlohmann::json SyntheticCatalog(int count) {
  nlohmann::json modules = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "m%04d", i);
    const std::string digest = "sha256:" + std::string(64, "0123456789abcdef"[i % 16]);
    nlohmann::json version = {
        {"version", "1.0.0"},
        {"tag", "v1.0.0"},
        {"digest", digest},
        {"ref", std::string("oci://registry.example.com/mods/") + name + ":v1.0.0@" + digest},
        {"created", "2026-12-01T10:00:00Z"},
        {"description", std::string("Module ") + name + " runs pipelines: build, test, publish."},
        {"license", "Apache-2.0"},
        {"source", ""},
        {"revision", ""},
        {"readme", std::string("# ") + name + "\n\nA synthetic module.\n"},
        {"schema", nlohmann::json::parse(host::bench::SyntheticSchema(name, 0))},
        {"dependencies", nlohmann::json::array()},
        {"platforms",
         nlohmann::json::array(
             {{{"os", "linux"}, {"architecture", "amd64"}, {"abi", 1}, {"glibc", "2.36"}}})},
        {"hostAbi", {{"min", 1}, {"max", 1}}},
        {"signature", {{"state", "unsigned"}}},
        {"yanked", nullptr}};
    modules.push_back({{"name", name},
                       {"repository", std::string("registry.example.com/mods/") + name},
                       {"versions", nlohmann::json::array({version})}});
  }
  return {{"catalogVersion", 1},
          {"generated", "2026-12-07T13:00:00Z"},
          {"registries", {"registry.example.com/mods"}},
          {"problems", nlohmann::json::array()},
          {"modules", modules}};
}

// The browser figures of a site of 1,000 modules; false when one is missed or cannot be measured.
bool BrowserFigures(const std::string& root) {
  const std::string chromium = host::bench::Output("command -v chromium");
  const std::string playwright =
      std::string(HOST_SOURCE_DIR) + "/tests/index_site/node_modules/playwright-core";
  if (chromium.empty() || !fs::exists(playwright)) {
    std::fprintf(stderr, "index: chromium or playwright-core is missing (run scripts/setup.sh)\n");
    return false;
  }
  const fs::path site = fs::path(root) / "site-1000";
  const auto started = std::chrono::steady_clock::now();
  if (host::Status s = host::index::WriteSite(SyntheticCatalog(1000), site, {}); !s.ok()) {
    std::fprintf(stderr, "index: writing the site failed: %s\n", s.message().c_str());
    return false;
  }
  std::printf("index: site of 1000 modules written in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  host::index::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.site_dir = site;
  host::Result<std::unique_ptr<host::index::IndexServer>> server =
      host::index::IndexServer::Start(std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "index: %s\n", server.status().message().c_str());
    return false;
  }
  const std::string line = host::bench::Output(
      "node " + std::string(HOST_SOURCE_DIR) + "/bench/index_site_bench.mjs " + (*server)->url() +
      " " + chromium + " " + playwright + " 'm0999 preview'");
  const nlohmann::json measured = nlohmann::json::parse(line, nullptr, false);
  if (!measured.is_object() || !measured["errors"].empty() || measured["shown"].get<int>() < 1) {
    std::fprintf(stderr, "index: the browser measurement failed: %s\n", line.c_str());
    return false;
  }
  bool ok = host::bench::Figure("index: home page of 1000 modules, transferred",
                                measured["homeBytes"].get<double>() / 1000.0, 100, "KB");
  ok = host::bench::Figure("index: search keystroke over 1000 modules, median",
                           measured["medianMs"].get<double>(), 50, "ms") &&
       ok;
  host::bench::Reported("index: search keystroke over 1000 modules, slowest",
                        measured["worstMs"].get<double>(), 50, "ms");
  return ok;
}

}  // namespace

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
  // The whole command, as a user runs it: a fresh state folder each time.
  const std::string host = std::string(HOST_BINARY);
  std::vector<double> builds;
  for (int i = 0; i < runs; ++i) {
    const std::string state = root + "/build-state-" + std::to_string(i);
    const std::string config = root + "/config.json";
    host::bench::WriteText(config, "{\"insecure\": [\"" + address + "\"]}");
    const std::string env_state = "HOST_STATE_DIR=" + state;
    const std::string env_config = "HOST_CONFIG=" + config;
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
    env.push_back(const_cast<char*>(env_state.c_str()));
    env.push_back(const_cast<char*>(env_config.c_str()));
    env.push_back(nullptr);
    builds.push_back(host::bench::TimedRun(
        {host, "-q", "index", "build", "--registry", address + "/bench", "--out", root + "/site"},
        env.data(), (root + "/build.err").c_str()));
    if (builds.back() < 0) {
      std::fprintf(stderr, "host index build failed: %s\n",
                   host::bench::ReadAll(root + "/build.err").c_str());
      return finish(1);
    }
  }
  const std::string what = std::to_string(modules) + " modules x " + std::to_string(versions);
  bool ok = host::bench::Figure(("index: crawl of " + what + " versions, cold").c_str(), cold_ms,
                                2500, "ms");
  ok = host::bench::Figure(("index: crawl of " + what + " versions, warm").c_str(), warm_ms, 1000,
                           "ms") &&
       ok;
  ok = host::bench::Figure(("index: host index build of " + what + " versions, cold").c_str(),
                           host::bench::Median(builds), 5000, "ms") &&
       ok;
  ok = BrowserFigures(root) && ok;
  return finish(ok ? 0 : 1);
}
