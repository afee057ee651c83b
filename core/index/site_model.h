// The catalog as the site sees it: modules and versions with their safe, unique folder names
// (slugs), the latest version of each, and who depends on whom. Built once from the untrusted
// catalog JSON, skipping what is not the documented shape.
#ifndef HOST_CORE_INDEX_SITE_MODEL_H_
#define HOST_CORE_INDEX_SITE_MODEL_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace host::index {

// One version of a module.
struct SiteVersion {
  const nlohmann::json* json = nullptr;  // the catalog's version object
  std::string version;                   // as published, cut to 128 bytes
  std::string slug;                      // its folder: [a-z0-9._-], starts with a digit or "v-"
  std::string created;                   // RFC 3339 or ""
  bool prerelease = false;
  bool yanked = false;
};

// One module: a repository's versions.
struct SiteModule {
  const nlohmann::json* json = nullptr;  // the catalog's module object
  std::string name;
  std::string repository;
  std::string slug;                   // its folder under modules/, unique in the catalog
  std::vector<SiteVersion> versions;  // newest first, as in the catalog
  size_t latest = 0;                  // the newest non-yanked release (else pre-release, else any)
  std::vector<size_t> used_by;        // modules whose latest version depends on this one
  // The latest version.
  const SiteVersion& Latest() const { return versions[latest]; }
};

// The catalog's modules (those with at least one readable version), in catalog order.
struct SiteModel {
  std::vector<SiteModule> modules;
  std::map<std::string, size_t> by_repository;  // the first module of each repository
  // The index of the module whose repository is `repository`, or -1.
  long Find(const std::string& repository) const;
};

// The model of catalog; never throws on a catalog of the wrong shape.
SiteModel BuildSiteModel(const nlohmann::json& catalog);

// A folder name from text: lowercase [a-z0-9._-], other characters as "-", never "", "." or "..".
std::string SlugFrom(const std::string& text);

// The repository a dependency reference names ("oci://R/P:tag@digest" → "R/P"), or "" when it
// is not an OCI reference.
std::string DependencyRepository(const std::string& reference);

// Whether a version string is a semver pre-release ("1.0.0-rc.1").
bool IsPrerelease(const std::string& version);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_SITE_MODEL_H_
