#include "core/engine/state_dir.h"

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
  return fs::temp_directory_path() / ("host-" + std::to_string(geteuid()));
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
  if (end == at + 3) return 0;
  return static_cast<pid_t>(std::stol(name.substr(at + 3, end - at - 3)));
}

}  // namespace

void RemoveLeftovers(const fs::path& dir) {
  std::error_code ec;
  for (const char* store : {"steps", "derived", "snapshots"}) {
    for (const auto& entry : fs::directory_iterator(dir / store, ec)) {
      pid_t owner = OwnerOf(entry.path().filename().string());
      if (owner > 0 && owner != getpid() && kill(owner, 0) != 0 && errno == ESRCH) {
        fs::remove_all(entry.path(), ec);
      }
    }
  }
}

}  // namespace host
