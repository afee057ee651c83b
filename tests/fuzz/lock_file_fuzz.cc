// Fuzzes host.lock as every load reads it: an accepted lock file must write back to text that
// reads as the same lock, and that text must be stable.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/modules/lock_file.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  host::Result<host::modules::LockFile> lock = host::modules::ParseLockFile(text, "host.lock");
  if (!lock.ok()) {
    Expect(!lock.status().message().empty(), "a refused lock file says why");
    return 0;
  }
  const std::string written = host::modules::SerializeLockFile(*lock);
  host::Result<host::modules::LockFile> again = host::modules::ParseLockFile(written, "host.lock");
  Expect(again.ok(), "a written lock file reads back");
  Expect(again.ok() && *again == *lock, "a written lock file reads as the same lock");
  Expect(again.ok() && host::modules::SerializeLockFile(*again) == written, "writing is stable");
  return 0;
}
