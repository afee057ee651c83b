#include "core/engine/cache_verify.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/base/sha256.h"
#include "core/engine/function_cache.h"
#include "core/images/content_store.h"
#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "core/images/tag_store.h"
#include "core/types/snapshot_store.h"
#include "core/types/step_cache.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// Manifests, indexes and configs larger than this are not parsed (registries cap them lower).
constexpr uintmax_t kLargestDocument = 4 << 20;

// Whether a name is a temporary or a lock of a running or killed process, not an entry.
bool IsTemporaryOrLock(const std::string& name) {
  return name.find(".tmp") != std::string::npos || name.rfind("tmp", 0) == 0 ||
         (name.size() > 5 && name.substr(name.size() - 5) == ".lock");
}

// Whether a name is 64 lowercase hex digits, as entries named by a sha256 are.
bool IsHex64(const std::string& name) {
  return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The entries of one store folder, by name, sorted; temporaries and locks left out.
std::vector<fs::path> Entries(const fs::path& dir) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!IsTemporaryOrLock(it->path().filename().string())) entries.push_back(it->path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

bool Exists(const fs::path& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

bool IsFolder(const fs::path& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

class Verifier {
 public:
  Verifier(fs::path state, bool repair)
      : state_(std::move(state)), repair_(repair), content_(state_) {}

  CacheVerifyReport Run() {
    Blobs();
    Tags();
    Folders("layers", "an image layer");
    Folders("derived", "a derived layer");
    Steps();
    Snapshots();
    Calls();
    return std::move(report_);
  }

 private:
  // Records a problem with entry (which vanished meanwhile: not a problem) and repairs it.
  void Problem(const fs::path& entry, std::string problem) {
    if (!Exists(entry)) return;  // pruned or replaced by another process while we looked
    CacheProblem found{entry.lexically_relative(state_).generic_string(), std::move(problem)};
    if (repair_) {
      std::error_code ec;
      if (IsFolder(entry)) {
        // Renamed aside first: a reader finds the whole entry or nothing (a leftover of a killed
        // repair is named like a killed step's, and removed as one).
        fs::path doomed = entry.string() + ".tmp" + std::to_string(getpid()) + "-verify";
        fs::rename(entry, doomed, ec);
        if (!ec) fs::remove_all(doomed, ec);
      } else {
        fs::remove(entry, ec);  // a file goes at once
      }
      found.removed = !ec;
    }
    report_.problems.push_back(std::move(found));
  }

  void Blobs() {
    const fs::path dir = state_ / "blobs" / "sha256";
    std::map<std::string, std::string> configs;    // config digest -> a manifest naming it
    std::map<std::string, std::string> manifests;  // manifest digest -> an index naming it
    std::set<std::string> parsed;                  // blobs that parsed as manifests
    std::set<std::string> good;                    // blobs whose digest matches
    for (const fs::path& blob : Entries(dir)) {
      ++report_.checked;
      const std::string name = blob.filename().string();
      if (!IsHex64(name)) {
        Problem(blob, "is not named by a sha256 digest");
        continue;
      }
      const std::string digest = kSha256DigestPrefix + name;
      if (std::string problem = content_.Check(digest); !problem.empty()) {
        Problem(blob, problem);
        continue;
      }
      good.insert(digest);
      std::error_code ec;
      if (fs::file_size(blob, ec) > kLargestDocument || ec) continue;
      Result<std::string> body = content_.Read(digest);
      if (!body.ok() || body->find_first_not_of(" \t\r\n") == std::string::npos ||
          (*body)[body->find_first_not_of(" \t\r\n")] != '{') {
        continue;  // a layer archive, not a document
      }
      Result<images::ManifestDocument> document = images::ParseManifest(*body, "");
      if (!document.ok()) continue;  // a config, or another document: checked below if named
      parsed.insert(digest);
      if (document->is_index) {
        for (const auto& manifest : document->manifests) manifests.emplace(manifest.digest, digest);
      } else {
        configs.emplace(document->config.digest, digest);
      }
    }
    for (const auto& [digest, index] : manifests) {
      if (good.count(digest) && !parsed.count(digest)) {
        Problem(content_.Path(digest),
                "is named as a manifest by index " + index + " but does not parse as one");
      }
    }
    for (const auto& [digest, manifest] : configs) {
      if (!good.count(digest)) continue;  // not stored (pruned), or reported above
      Result<std::string> body = content_.Read(digest);
      if (!body.ok()) continue;
      if (Result<images::ImageConfig> config = images::ParseImageConfig(*body); !config.ok()) {
        Problem(content_.Path(digest), "is the config of manifest " + manifest +
                                           " but does not parse: " + config.status().message());
      }
    }
  }

  void Tags() {
    for (const fs::path& entry : Entries(state_ / "tags")) {
      ++report_.checked;
      if (std::string problem = images::TagStore::CheckEntry(entry); !problem.empty()) {
        Problem(entry, problem);
      }
    }
  }

  // Stores whose entries are folders named by a sha256 and cannot be checked further.
  void Folders(const std::string& store, const std::string& what) {
    for (const fs::path& entry : Entries(state_ / store)) {
      ++report_.checked;
      if (!IsHex64(entry.filename().string())) {
        Problem(entry, "is not named by a sha256 digest, as " + what + " is");
      } else if (!IsFolder(entry)) {
        Problem(entry, "is not a folder, as " + what + " is");
      }
    }
  }

  void Steps() {
    for (const fs::path& entry : Entries(state_ / "steps")) {
      ++report_.checked;
      StepEntryCheck check = InspectStepEntry(entry, /*deep=*/true);
      if (check.present && !check.problem.empty()) Problem(entry, check.problem);
    }
  }

  void Snapshots() {
    for (const fs::path& entry : Entries(state_ / "snapshots")) {
      ++report_.checked;
      const std::string name = entry.filename().string();
      if (!IsHex64(name)) {
        Problem(entry, "is not named by a sha256 digest, as a snapshot is");
      } else if (!IsFolder(entry)) {
        Problem(entry, "is not a folder, as a snapshot is");
      } else if (std::string digest = TreeDigest(entry); digest != kSha256DigestPrefix + name) {
        Problem(entry, "holds a tree whose digest is " + digest + ", not its name");
      }
    }
  }

  void Calls() {
    for (const fs::path& entry : Entries(state_ / "calls")) {
      ++report_.checked;
      if (!IsHex64(entry.filename().string())) {
        Problem(entry, "is not named by a sha256 digest, as a function result is");
      } else if (std::string problem = FunctionCache::CheckStored(entry); !problem.empty()) {
        Problem(entry, problem);
      }
    }
  }

  fs::path state_;
  bool repair_;
  images::ContentStore content_;
  CacheVerifyReport report_;
};

}  // namespace

CacheVerifyReport VerifyCache(const fs::path& state, bool repair) {
  return Verifier(state, repair).Run();
}

}  // namespace host
