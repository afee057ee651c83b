#include "core/base/install_prefix.h"

#include <dlfcn.h>
#include <link.h>

#include <cstdlib>

namespace host {
namespace fs = std::filesystem;
namespace {

// The prefix found from where this code was loaded, computed once.
fs::path LoadedPrefix() {
  Dl_info info{};
  link_map* map = nullptr;
  if (dladdr1(reinterpret_cast<void*>(&LoadedPrefix), &info, reinterpret_cast<void**>(&map),
              RTLD_DL_LINKMAP) != 0 &&
      map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
    // A shared library: the main program's link map has an empty name.
    std::error_code ec;
    fs::path library = fs::weakly_canonical(fs::absolute(map->l_name, ec), ec);
    if (!ec) return library.parent_path().parent_path();
  }
  return ExecutableDir().parent_path();
}

}  // namespace

fs::path ExecutableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) return exe.parent_path();
  fs::path cwd = fs::current_path(ec);
  return ec ? fs::path("/") : cwd;
}

fs::path InstallPrefix() {
  if (const char* overridden = std::getenv("HOST_PREFIX"); overridden && *overridden) {
    return fs::path(overridden);
  }
  static const fs::path prefix = LoadedPrefix();
  return prefix;
}

}  // namespace host
