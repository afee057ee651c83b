// Fuzzes the module index web site with a hostile catalog: any JSON must render into the site
// folder (or be refused with a message), never crash, never throw, and never write outside it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/index/site.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;
namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json catalog =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (catalog.is_discarded()) return 0;
  static const fs::path parent =
      fs::temp_directory_path() / ("index-site-fuzz-" + std::to_string(getpid()));
  std::error_code ignored;
  fs::create_directories(parent, ignored);
  host::Status status = host::index::WriteSite(catalog, parent / "site", {});
  if (!status.ok()) Expect(!status.message().empty(), "a refused catalog says why");
  size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(parent, ignored)) {
    ++entries;
    Expect(entry.path().filename() == "site", "nothing is written beside the site folder");
  }
  Expect(entries <= 1, "one site folder");
  if (status.ok()) Expect(fs::exists(parent / "site" / "index.html"), "a written site has a home");
  return 0;
}
