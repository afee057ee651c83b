#include "core/base/warning.h"

#include <unistd.h>

#include <cerrno>
#include <string>

namespace host {

void Warn(std::string_view text) {
  std::string line = "host: warning: ";
  line.append(text);
  line.push_back('\n');
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = write(STDERR_FILENO, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // standard error is gone: nothing else to tell
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace host
