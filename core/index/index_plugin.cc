// The index plugin (libhost-index.so): crawling, rendering and serving behind one entry point.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include "core/images/registry_client.h"
#include "core/index/crawl.h"
#include "core/index/index_plugin.h"
#include "core/index/index_server.h"
#include "core/index/site.h"
#include "core/index/site_output.h"
#include "core/index/terminal_text.h"

namespace host::index {
namespace {

namespace fs = std::filesystem;

Result<BuildSummary> Build(const BuildRequest& request, const images::Config& config) {
  const auto started = std::chrono::steady_clock::now();
  if (request.registries.empty()) {
    return Status::Usage("index build needs at least one --registry REGISTRY[/NAMESPACE]");
  }
  images::RegistryClient client(config, request.state_dir / "registries");
  CrawlOptions crawl;
  crawl.registries = request.registries;
  crawl.state_dir = request.state_dir;
  Result<nlohmann::json> catalog = CrawlRegistries(crawl, client);
  if (!catalog.ok()) return catalog.status();
  SiteOptions site;
  if (!request.title.empty()) site.title = request.title;
  if (Status s = WriteSite(*catalog, request.out_dir, site); !s.ok()) return s;
  BuildSummary summary;
  const nlohmann::json& modules = (*catalog)["modules"];
  if (modules.is_array()) {
    summary.modules = modules.size();
    for (const auto& module : modules) {
      if (module.is_object() && module["versions"].is_array()) {
        summary.versions += module["versions"].size();
      }
    }
  }
  if ((*catalog)["problems"].is_array()) {
    for (const auto& problem : (*catalog)["problems"]) {
      // Printed on the terminal and into logs: a registry's text may hold escape sequences.
      if (problem.is_string()) summary.problems.push_back(TerminalSafe(problem.get<std::string>()));
    }
  }
  summary.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return summary;
}

Status Serve(const ServeRequest& request, const images::Config& config) {
  // The signals that stop the server (and SIGHUP, which rebuilds) are taken by sigwait below:
  // blocked before any thread starts, so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::ostream& log = request.log != nullptr ? *request.log : std::cerr;
  const bool rebuilds = !request.build.registries.empty();
  std::error_code ec;
  if (rebuilds) {
    Result<BuildSummary> first = Build(request.build, config);
    if (!first.ok()) {
      if (!fs::exists(request.build.out_dir / kSiteMarker, ec)) return first.status();
      log << "host: building the index failed: " << TerminalSafe(first.status().message())
          << "; serving the site built before" << std::endl;
    } else {
      log << "host: index of " << first->modules << " modules, " << first->versions
          << " versions built in " << first->took.count() << " ms" << std::endl;
      for (const auto& problem : first->problems) log << "host: index: " << problem << std::endl;
    }
  } else if (!fs::exists(request.build.out_dir / kSiteMarker, ec)) {
    return Status::Usage(request.build.out_dir.string() +
                         " holds no index site: build one with `host index build --registry ... "
                         "--out DIR`, or pass --registry to serve to build it");
  }

  ServerOptions options;
  options.listen = request.listen;
  options.site_dir = request.build.out_dir;
  options.interval = request.interval;
  options.log = &log;
  options.builds_before = rebuilds ? 1 : 0;
  if (rebuilds) {
    BuildRequest build = request.build;
    options.rebuild = [build, &config, &log]() -> Status {
      Result<BuildSummary> built = Build(build, config);
      if (!built.ok()) return built.status();
      for (const auto& problem : built->problems) log << "host: index: " << problem << std::endl;
      return {};
    };
  }
  Result<std::unique_ptr<IndexServer>> server = IndexServer::Start(std::move(options));
  if (!server.ok()) return server.status();
  if (request.out != nullptr) *request.out << (*server)->url() << std::endl;
  log << "host: serving " << request.build.out_dir.string() << " on " << (*server)->url()
      << (rebuilds ? " (POST /-/rebuild or SIGHUP rebuilds it)" : "") << std::endl;
  for (;;) {
    int caught = 0;
    if (sigwait(&signals, &caught) != 0) break;
    if (caught == SIGHUP) {
      if (rebuilds) (*server)->RequestRebuild();
      continue;
    }
    break;
  }
  log << "host: index server stopped" << std::endl;
  (*server)->Stop();
  return {};
}

constexpr IndexOps kOps = {Build, Serve};

}  // namespace
}  // namespace host::index

extern "C" __attribute__((visibility("default"))) const host::index::IndexOps* host_index_ops() {
  return &host::index::kOps;
}
