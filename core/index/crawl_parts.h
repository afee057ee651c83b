// Helpers of the crawler (crawl*.cc); not a public API.
#ifndef HOST_INDEX_CRAWL_PARTS_H_
#define HOST_INDEX_CRAWL_PARTS_H_

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/images/config.h"
#include "core/images/content_store.h"
#include "core/images/registry_client.h"

namespace host::index {

// The problems of a crawl, kept in order up to a cap; the rest are counted. Thread-safe.
class Problems {
 public:
  explicit Problems(size_t cap) : cap_(cap) {}
  // Records one problem.
  void Add(std::string text);
  // The list, ending with "... and N more problems" when some were left out.
  nlohmann::json ToJson() const;

 private:
  mutable std::mutex mutex_;
  size_t cap_;
  size_t dropped_ = 0;
  std::vector<std::string> list_;
};

// Runs work(0..count-1) on up to parallel threads and returns when all are done. An exception
// a task throws becomes a call of on_error with its message; none escapes a thread.
void ParallelFor(size_t count, int parallel, const std::function<void(size_t)>& work,
                 const std::function<void(size_t, const std::string&)>& on_error);

// text with every byte sequence that is not UTF-8 replaced by U+FFFD, so that it can be written
// as JSON.
std::string ValidUtf8(std::string_view text);

// Whether value nests arrays and objects at most max_depth deep (checked without recursion).
bool NestingAtMost(const nlohmann::json& value, size_t max_depth);

// Whether text is an RFC 3339 date-time ("2026-12-01T10:00:00Z", fractions and offsets allowed).
bool IsRfc3339(std::string_view text);

// A tag that names a version: "1.2.0" or "v1.2.0", pre-releases allowed.
struct VersionTag {
  std::string version;  // without the "v"
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;
};

// The version a tag names, or nullopt when it is not a semver tag.
std::optional<VersionTag> ParseVersionTag(std::string_view tag);

// Semver precedence: true when a is a newer version than b.
bool NewerThan(const VersionTag& a, const VersionTag& b);

// What reading one version needs.
struct CrawlContext {
  images::RegistryClient* client = nullptr;
  const images::ContentStore* store = nullptr;
  Problems* problems = nullptr;
  std::vector<images::Config::TrustedKey> trusted_keys;
};

// One version to read: a semver tag resolved to a module index.
struct VersionToRead {
  std::string registry;
  std::string repository;
  std::string tag;
  VersionTag version;
  std::string digest;          // of the index
  nlohmann::json index;        // the parsed index
  bool has_signature = false;  // a sha256-<hex>.sig tag exists
  bool has_yank = false;       // a sha256-<hex>.yank tag exists
};

// The catalog entry of one version (the contract's "versions" item); what cannot be read is left
// empty or null and recorded in the context's problems.
nlohmann::json ReadVersion(const VersionToRead& version, CrawlContext& context);

}  // namespace host::index

#endif  // HOST_INDEX_CRAWL_PARTS_H_
