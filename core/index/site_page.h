// The pieces every page of the site shares: the document frame with its security policy, header
// bar and footer, and small HTML helpers. All text given to them is escaped by the caller unless
// a parameter says it is HTML.
#ifndef HOST_CORE_INDEX_SITE_PAGE_H_
#define HOST_CORE_INDEX_SITE_PAGE_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/index/site.h"
#include "core/index/site_model.h"

namespace host::index {

// The Content-Security-Policy every page carries (as a meta element).
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'";

// A whole HTML page: title (text), root (relative path to the site root, "" or "../.."), body
// (HTML), and script (a file under assets/ to load at the end, or "").
std::string PageHtml(const SiteOptions& options, const std::string& title, const std::string& root,
                     const std::string& body, const std::string& script);

// A date from an RFC 3339 time for display ("2026-12-01"), or "unknown date".
std::string DisplayDate(const std::string& created);

// The badge saying how a version is signed (HTML).
std::string SignatureBadge(const nlohmann::json& version);

// The sentence saying how a version is signed ("signed, key SHA256:..., trusted by this index").
std::string SignatureText(const nlohmann::json& version);

// "os/arch" of each prebuilt binary of a version (at most 50).
std::vector<std::string> Platforms(const nlohmann::json& version);

// The host ABI range of a version's binaries ("3", "3–5"), or "" when it has none.
std::string AbiRange(const nlohmann::json& version);

class SiteOutput;

// Writes modules/<slug>/... : the latest page, one page per version and the API diff pages.
Status WriteModulePages(const SiteModel& model, size_t module, const SiteOptions& options,
                        SiteOutput& output);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_SITE_PAGE_H_
