// Crawling OCI registries for published modules into the catalog JSON that the index site is
// rendered from (docs/index-site.md, "The catalog JSON"). Registries are hostile: every read is
// capped, every blob checked against its digest, and a version that cannot be read is recorded in
// "problems" while the crawl goes on.
#ifndef HOST_INDEX_CRAWL_H_
#define HOST_INDEX_CRAWL_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/images/registry_client.h"

namespace host::index {

// What to crawl and where to keep what was read.
struct CrawlOptions {
  std::vector<std::string> registries;  // "REGISTRY" or "REGISTRY/NAMESPACE" (a repository prefix)
  std::filesystem::path state_dir;      // caches documents by digest (content store) across crawls
  int parallel = 8;                     // requests in flight
};

// The most read from one registry: repositories, tags of one repository, problems listed.
inline constexpr size_t kMaxCrawledRepositories = 10000;
inline constexpr size_t kMaxCrawledTags = 10000;
inline constexpr size_t kMaxCrawlProblems = 1000;
// The most versions read: of one repository (its newest), and in all.
inline constexpr size_t kMaxCrawledVersions = 1000;
inline constexpr size_t kMaxCrawledTotalVersions = 50000;

// Reads every module artifact under the registries into the catalog JSON (see the contract):
// lists repositories and tags, resolves the semver tags, and reads each module index's source
// manifest, schema and README blobs, signature and yank artifacts (never the source archive or
// binaries). Documents fetched by digest are kept in the content store under state_dir, so a
// later crawl only lists and resolves tags. The trusted keys come from client's config. Fails only
// on bad options or when no registry could be listed at all.
Result<nlohmann::json> CrawlRegistries(const CrawlOptions& options, images::RegistryClient& client);

}  // namespace host::index

#endif  // HOST_INDEX_CRAWL_H_
