#include "core/modules/git_remembered.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/base/sha256.h"

namespace host::modules {
namespace fs = std::filesystem;
namespace {

constexpr char kHeader[] = "host-git-resolution 1";

const char* KindName(ResolutionKind kind) {
  switch (kind) {
    case ResolutionKind::kTag:
      return "tag";
    case ResolutionKind::kCommit:
      return "commit";
    case ResolutionKind::kMoving:
      break;
  }
  return "moving";
}

}  // namespace

fs::path RememberedPath(const fs::path& root, const GitModuleRef& ref) {
  Sha256 sha;
  sha.UpdateField(ref.url);
  sha.UpdateField(ref.subpath);
  sha.UpdateField(ref.version);
  return root / "resolved" / sha.HexDigest();
}

std::optional<RememberedResolution> ReadRemembered(const fs::path& root, const GitModuleRef& ref) {
  std::ifstream in(RememberedPath(root, ref), std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(4096, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kHeader) return std::nullopt;
  RememberedResolution remembered;
  bool has_kind = false, has_time = false;
  while (std::getline(lines, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) return std::nullopt;
    const std::string key = line.substr(0, space);
    const std::string value = line.substr(space + 1);
    if (key == "commit") {
      remembered.resolution.commit = value;
    } else if (key == "resolved") {
      remembered.resolution.resolved = value;
    } else if (key == "fetch") {
      remembered.resolution.fetch_ref = value;
    } else if (key == "suffix") {
      remembered.git_suffix = value == "1";
    } else if (key == "kind") {
      has_kind = true;
      if (value == "tag") {
        remembered.resolution.kind = ResolutionKind::kTag;
      } else if (value == "commit") {
        remembered.resolution.kind = ResolutionKind::kCommit;
      } else if (value == "moving") {
        remembered.resolution.kind = ResolutionKind::kMoving;
      } else {
        return std::nullopt;
      }
    } else if (key == "time") {
      long long seconds = 0;
      if (std::sscanf(value.c_str(), "%lld", &seconds) != 1) return std::nullopt;
      remembered.asked = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
      has_time = true;
    }
  }
  if (!IsFullCommit(remembered.resolution.commit) || remembered.resolution.resolved.empty() ||
      remembered.resolution.fetch_ref.empty() || !has_kind || !has_time) {
    return std::nullopt;
  }
  return remembered;
}

Status WriteRemembered(const fs::path& root, const GitModuleRef& ref,
                       const RememberedResolution& remembered) {
  const fs::path path = RememberedPath(root, ref);
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) {
    return Status::Failed("cannot create " + path.parent_path().string() + ": " + error.message());
  }
  const long long seconds =
      std::chrono::duration_cast<std::chrono::seconds>(remembered.asked.time_since_epoch()).count();
  const std::string text =
      std::string(kHeader) + "\ncommit " + remembered.resolution.commit + "\nresolved " +
      remembered.resolution.resolved + "\nfetch " + remembered.resolution.fetch_ref + "\nkind " +
      KindName(remembered.resolution.kind) + "\nsuffix " + (remembered.git_suffix ? "1" : "0") +
      "\ntime " + std::to_string(seconds) + "\n";
  const fs::path temporary = path.string() + ".tmp-" + RandomHex(16);
  if (Status s = CreateWholeFile(temporary, text); !s.ok()) return s;
  fs::rename(temporary, path, error);
  if (error) {
    RemoveBestEffort(temporary);
    return Status::Failed("cannot store " + path.string() + ": " + error.message());
  }
  return {};
}

}  // namespace host::modules
