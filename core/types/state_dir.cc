#include "core/types/state_dir.h"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include <cstdlib>

namespace host {
namespace fs = std::filesystem;

fs::path DefaultStateDir() {
  if (const char* dir = std::getenv("HOST_STATE_DIR"); dir && *dir) return dir;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache) {
    return fs::path(cache) / "host";
  }
  if (geteuid() == 0) return "/var/lib/host";
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "host";
  }
  std::error_code ec;
  fs::path temp = fs::temp_directory_path(ec);  // fails when TMPDIR names no folder
  return (ec ? fs::path("/tmp") : temp) / ("host-" + std::to_string(geteuid()));
}

Status EnsureStateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Status::Failed("cannot create the state folder " + dir.string() + ": " + ec.message() +
                          "; set HOST_STATE_DIR to a writable folder");
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (access(dir.c_str(), W_OK) != 0) {
    return Status::Failed("the state folder " + dir.string() +
                          " is not writable; set HOST_STATE_DIR to a writable folder");
  }
  return {};
}

namespace {

// The process ID in a temporary name ("<key>.tmp1234" or "tmp1234-XXXXXX"), or 0.
pid_t OwnerOf(const std::string& name) {
  size_t at = name.find("tmp");
  if (at == std::string::npos) return 0;
  size_t end = at + 3;
  while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
  if (end == at + 3 || end - at - 3 > 9) return 0;  // no digits, or more than a pid has
  return static_cast<pid_t>(std::strtol(name.substr(at + 3, end - at - 3).c_str(), nullptr, 10));
}

}  // namespace

void RemoveLeftovers(const fs::path& dir) {
  std::error_code ec;
  // Entries a killed process was writing, and entries a killed prune had renamed to remove.
  for (const char* store : {"steps", "derived", "snapshots", "sources", "layers", "calls",
                            "blobs/sha256", "flattened", "schemas"}) {
    std::error_code list_error;
    for (fs::directory_iterator it(dir / store, list_error), end; !list_error && it != end;
         it.increment(list_error)) {
      pid_t owner = OwnerOf(it->path().filename().string());
      if (owner > 0 && owner != getpid() && kill(owner, 0) != 0 && errno == ESRCH) {
        fs::remove_all(it->path(), ec);
      }
    }
  }
}

}  // namespace host
