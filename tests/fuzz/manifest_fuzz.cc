// Fuzzes module.json: JSON parsing, validation against module.json.schema and reading the fields.
// Any input must give a Manifest or an error, never a crash, an exception or a hang; a manifest
// that is accepted must hold what the schema promises.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "registry/manifest.h"

namespace {

// Reports a broken promise of an accepted manifest and stops, so libFuzzer keeps the input.
void Expect(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "manifest_fuzz: accepted manifest breaks: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  host::Result<host::Manifest> manifest = host::ParseManifest(text, "fuzz/module.json");
  if (!manifest.ok()) {
    Expect(!manifest.status().message().empty(), "an error without a message");
    return 0;
  }
  Expect(!manifest->name.empty(), "the name is empty");
  Expect(manifest->file == "fuzz/module.json", "the file is not the one given");
  Expect(manifest->start_timeout > 0, "runtime.start_timeout is not above 0");
  Expect(manifest->call_timeout >= 0, "runtime.call_timeout is below 0");
  for (size_t i = 0; i < manifest->dependencies.size(); ++i) {
    Expect(!manifest->dependencies[i].name.empty(), "a dependency has no name");
    for (size_t j = 0; j < i; ++j) {
      Expect(manifest->dependencies[i].name != manifest->dependencies[j].name,
             "a dependency is listed twice");
    }
  }
  // The paths the loader derives from it.
  (void)manifest->object_path();
  (void)manifest->source_dir();
  return 0;
}
