// `host index build` and `host index serve` behind a plugin, lib/host/libhost-index.so, loaded
// on first use, so that libcurl, cmark-gfm and libmicrohttpd stay out of every other command.
#ifndef HOST_INDEX_INDEX_PLUGIN_H_
#define HOST_INDEX_INDEX_PLUGIN_H_

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/images/config.h"

namespace host::index {

// What `host index build` reads and where it writes.
struct BuildRequest {
  std::vector<std::string> registries;  // "REGISTRY" or "REGISTRY/NAMESPACE"
  std::filesystem::path out_dir;        // the site folder, replaced whole
  std::filesystem::path state_dir;      // caches registry documents by digest
  std::string title;                    // the site's title; empty: the default
};

// What a build found.
struct BuildSummary {
  size_t modules = 0;
  size_t versions = 0;
  std::vector<std::string> problems;  // versions or repositories that could not be read
  std::chrono::milliseconds took{0};
};

// What `host index serve` serves and how it rebuilds.
struct ServeRequest {
  BuildRequest build;                // registries empty: serve build.out_dir as it is
  std::string listen;                // "127.0.0.1:PORT"
  std::chrono::seconds interval{0};  // rebuild period; 0: only on request
  std::ostream* out = nullptr;       // the URL, once listening
  std::ostream* log = nullptr;       // builds and problems
};

// The plugin's functions.
struct IndexOps {
  // Crawls the registries and writes the site.
  Result<BuildSummary> (*build)(const BuildRequest& request, const images::Config& config);
  // Builds when there are registries, then serves until SIGINT or SIGTERM.
  Status (*serve)(const ServeRequest& request, const images::Config& config);
};

// The plugin's entry point: returns its table (static; never freed).
using IndexOpsFn = const IndexOps* (*)();
inline constexpr char kIndexOpsSymbol[] = "host_index_ops";

// Loads the plugin from <prefix>/lib/host next to the running executable (or $HOST_INDEX_LIB)
// and returns its table; the error names the file and the reason.
Result<const IndexOps*> LoadIndexOps();

}  // namespace host::index

#endif  // HOST_INDEX_INDEX_PLUGIN_H_
