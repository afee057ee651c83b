#include "tests/core/executor/scratch_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

namespace host::test {
namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  std::string pattern = (fs::path(::testing::TempDir()) / "host-executor-XXXXXX").string();
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty() && MountsUnder(path_).empty()) fs::remove_all(path_, ec);
}

std::vector<std::string> MountsUnder(const fs::path& folder) {
  std::vector<std::string> found;
  std::string prefix = fs::weakly_canonical(folder).string();
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point == prefix || mount_point.rfind(prefix + "/", 0) == 0) {
      found.push_back(mount_point);
    }
  }
  return found;
}

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> FilesContaining(const fs::path& folder, const std::string& needle) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    if (ReadWholeFile(it->path()).find(needle) != std::string::npos) {
      found.push_back(it->path().string());
    }
  }
  return found;
}

}  // namespace host::test
