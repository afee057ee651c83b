#include "core/modules/trust.h"

#include <fnmatch.h>

#include <algorithm>

namespace host::modules {

namespace {

// "TYPE BASE64" of a public key line (its comment and spacing dropped), for comparing keys.
std::string KeyIdentity(std::string_view line) {
  std::string out;
  size_t at = 0;
  for (int word = 0; word < 2; ++word) {
    const size_t start = line.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    size_t end = line.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = line.size();
    if (!out.empty()) out += ' ';
    out += line.substr(start, end - start);
    at = end;
  }
  return out;
}

// The comment of a public key line (what follows its type and key), or "".
std::string KeyComment(std::string_view line) {
  size_t at = 0;
  for (int word = 0; word < 2 && at != std::string_view::npos; ++word) {
    at = line.find_first_not_of(" \t", at);
    if (at != std::string_view::npos) at = line.find_first_of(" \t", at);
  }
  if (at != std::string_view::npos) at = line.find_first_not_of(" \t", at);
  return at == std::string_view::npos ? "" : std::string(line.substr(at));
}

// Whether any of the entry's patterns matches reference.
bool EntryCovers(const images::Config::TrustedKey& entry, std::string_view reference) {
  return std::any_of(entry.sources.begin(), entry.sources.end(),
                     [&](const std::string& pattern) { return SourceMatches(pattern, reference); });
}

}  // namespace

bool SourceMatches(std::string_view pattern, std::string_view reference) {
  if (pattern.empty() || reference.empty()) return false;
  const std::string p(pattern);
  const std::string r(reference);
  if (p.find('\0') != std::string::npos || r.find('\0') != std::string::npos) return false;
  return fnmatch(p.c_str(), r.c_str(), 0) == 0;
}

std::vector<std::string> KeysTrustedFor(
    std::string_view reference, const std::vector<images::Config::TrustedKey>& trusted_keys) {
  std::vector<std::string> keys;
  std::vector<std::string> seen;
  for (const images::Config::TrustedKey& entry : trusted_keys) {
    if (!EntryCovers(entry, reference)) continue;
    std::string identity = KeyIdentity(entry.key);
    if (identity.empty() || std::find(seen.begin(), seen.end(), identity) != seen.end()) continue;
    seen.push_back(std::move(identity));
    keys.push_back(entry.key);
  }
  return keys;
}

TrustDecision DecideRunMode(const TrustFacts& facts,
                            const std::vector<images::Config::TrustedKey>& trusted_keys) {
  if (facts.kind == RefKind::kLocal) return {RunMode::kInProcess, "in process: local module"};
  if (facts.pinned) {
    return {RunMode::kInProcess, "in process: pinned in " +
                                     (facts.lock_file.empty() ? "the lock file" : facts.lock_file)};
  }
  if (!facts.signed_by.empty()) {
    const std::string identity = KeyIdentity(facts.signed_by);
    for (const images::Config::TrustedKey& entry : trusted_keys) {
      if (KeyIdentity(entry.key) == identity && EntryCovers(entry, facts.reference)) {
        // The comment names the key for people; the key itself is too long for a header.
        const std::string comment = KeyComment(entry.key);
        return {RunMode::kInProcess, "in process: signed by trusted key" +
                                         (comment.empty() ? std::string() : " '" + comment + "'")};
      }
    }
    return {RunMode::kSandboxed,
            "sandboxed: not pinned, and its signing key is not trusted for " + facts.reference};
  }
  return {RunMode::kSandboxed, "sandboxed: not pinned and not signed by a trusted key"};
}

std::string_view RunModeName(RunMode mode) {
  return mode == RunMode::kInProcess ? "in process" : "sandboxed";
}

}  // namespace host::modules
