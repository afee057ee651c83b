#include "core/base/best_effort.h"

#include <system_error>

namespace host {

void RemoveBestEffort(const std::filesystem::path& path) {
  std::error_code ignored;  // best effort: what stays is swept later or harmless
  std::filesystem::remove(path, ignored);
}

void RemoveTreeBestEffort(const std::filesystem::path& path) {
  std::error_code ignored;  // best effort: what stays is swept later or harmless
  std::filesystem::remove_all(path, ignored);
}

}  // namespace host
