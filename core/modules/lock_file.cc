#include "core/modules/lock_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/base/unique_fd.h"

namespace host::modules {
namespace fs = std::filesystem;
using json = nlohmann::json;
namespace {

constexpr int kFormat = 1;

Status Bad(const fs::path& file, const std::string& what) {
  return Status::Usage(file.string() + ": " + what +
                       "; run 'host update' to write it again, or restore it from version "
                       "control");
}

bool IsHex(std::string_view text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsDigest(std::string_view text) {
  return text.rfind("sha256:", 0) == 0 && IsHex(text.substr(7), 64);
}

}  // namespace

Result<LockFile> ParseLockFile(std::string_view text, const fs::path& file) {
  if (text.size() > kMaxLockFileBytes) return Bad(file, "is larger than 4 MiB");
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return Bad(file, "is not a JSON object");
  for (const auto& [key, value] : root.items()) {
    if (key != "lockVersion" && key != "dependencies") {
      return Bad(file, "has an unknown field \"" + key + "\"");
    }
  }
  if (!root.contains("lockVersion") || !root["lockVersion"].is_number_integer() ||
      root["lockVersion"].get<int64_t>() != kFormat) {
    return Bad(file, "\"lockVersion\" must be 1 (a newer host may have written it)");
  }
  LockFile lock;
  auto deps = root.find("dependencies");
  if (deps == root.end()) return lock;
  if (!deps->is_object()) return Bad(file, "\"dependencies\" must be an object");
  for (const auto& [ref, value] : deps->items()) {
    const std::string where = "dependency \"" + ref + "\"";
    if (ref.empty() || ref.size() > 4096)
      return Bad(file, "a dependency's reference is empty or too long");
    if (!value.is_object()) return Bad(file, where + " must be an object");
    LockEntry entry;
    for (const auto& [key, field] : value.items()) {
      if (!field.is_string()) return Bad(file, where + ": \"" + key + "\" must be a string");
      const std::string s = field.get<std::string>();
      if (key == "name") {
        entry.name = s;
      } else if (key == "resolved") {
        entry.resolved = s;
      } else if (key == "pin") {
        entry.pin = s;
      } else if (key == "hash") {
        entry.hash = s;
      } else {
        return Bad(file, where + " has an unknown field \"" + key + "\"");
      }
    }
    if (entry.name.empty()) return Bad(file, where + " has no \"name\"");
    if (!IsHex(entry.pin, 40) && !IsHex(entry.pin, 64) && !IsDigest(entry.pin)) {
      return Bad(file, where + ": \"pin\" must be a full commit or a sha256: digest");
    }
    if (!IsDigest(entry.hash)) return Bad(file, where + ": \"hash\" must be a sha256: digest");
    lock.entries.emplace(ref, std::move(entry));
  }
  return lock;
}

std::string SerializeLockFile(const LockFile& lock) {
  json deps = json::object();
  for (const auto& [ref, e] : lock.entries) {
    deps[ref] = {{"name", e.name}, {"resolved", e.resolved}, {"pin", e.pin}, {"hash", e.hash}};
  }
  return json{{"lockVersion", kFormat}, {"dependencies", deps}}.dump(2) + "\n";
}

Result<LockFile> LoadLockFile(const fs::path& module_dir) {
  const fs::path file = module_dir / kLockFileName;
  UniqueFd fd(open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.ok()) {
    if (errno == ENOENT) return LockFile{};
    return Status::Failed("cannot read " + file.string() + ": " + strerror(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::Failed("cannot read " + file.string() + ": not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxLockFileBytes) {
    return Bad(file, "is larger than 4 MiB");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Failed("cannot read " + file.string() + ": " + strerror(errno));
    done += static_cast<size_t>(n);
  }
  return ParseLockFile(text, file);
}

Status SaveLockFile(const fs::path& module_dir, const LockFile& lock) {
  const fs::path file = module_dir / kLockFileName;
  const fs::path tmp = module_dir / (std::string(".") + kLockFileName + "." + RandomHex(8));
  if (Status s = CreateWholeFile(tmp, SerializeLockFile(lock), 0644); !s.ok()) return s;
  if (rename(tmp.c_str(), file.c_str()) != 0) {
    const int error = errno;
    unlink(tmp.c_str());
    return Status::Failed("cannot write " + file.string() + ": " + WriteErrorText(error));
  }
  return {};
}

}  // namespace host::modules
