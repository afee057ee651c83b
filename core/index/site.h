// The module index web site: a catalog JSON (see the crawler's catalog contract) rendered into a
// folder of static HTML, CSS and JavaScript that any web server, or file://, can serve.
#ifndef HOST_CORE_INDEX_SITE_H_
#define HOST_CORE_INDEX_SITE_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/base/status.h"

namespace host::index {

// Where and how to write the site.
struct SiteOptions {
  std::string title = "host modules";  // shown in the header bar and page titles
};

// Caps on what a site renders from an untrusted catalog; anything beyond is left out.
inline constexpr size_t kMaxSiteModules = 20000;
inline constexpr size_t kMaxSiteVersions = 1000;     // per module
inline constexpr size_t kMaxSiteFunctions = 2000;    // per version, over all objects
inline constexpr size_t kMaxSiteArguments = 200;     // per function
inline constexpr size_t kModulesPerPage = 100;       // on the home and recent pages
inline constexpr size_t kMaxDiffAllPairs = 20;       // versions up to which every pair is diffed
inline constexpr size_t kMaxDiffChangesShown = 500;  // per kind (added, removed, ...) and page
inline constexpr size_t kMaxReadmeHtmlBytes = 1024 * 1024;  // a README's HTML, else not shown
inline constexpr size_t kVersionsPerPage = 20;  // versions a version page lists (versions.html
                                                // lists all)

// Writes the site for catalog into out_dir, replacing an earlier site there atomically.
Status WriteSite(const nlohmann::json& catalog, const std::filesystem::path& out_dir,
                 const SiteOptions& options);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_SITE_H_
