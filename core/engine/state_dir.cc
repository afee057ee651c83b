#include "core/engine/state_dir.h"

#include <unistd.h>

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

}  // namespace host
