// Fuzzes the unpacking of a fetched module's source archive (UnpackModuleSource): the input is
// the archive, unpacked into sandbox/module next to a sibling sandbox/outside holding one file.
// Whatever it holds, nothing may be written outside the module folder, a refused archive leaves
// no folder, and an accepted one holds only files, folders and links that stay inside, with no
// set-id bits.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <system_error>

#include "core/modules/module_archive.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace fs = std::filesystem;
using host::fuzz::Expect;

// A folder of this process under $TMPDIR, made once and removed at exit.
const fs::path& Sandbox() {
  static const fs::path* sandbox = [] {
    std::string pattern = (fs::temp_directory_path() / "host-module-archive-fuzz-XXXXXX").string();
    Expect(mkdtemp(pattern.data()) != nullptr, "cannot create a temporary folder");
    auto* made = new fs::path(pattern);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(Sandbox(), ec);
    });
    return made;
  }();
  return *sandbox;
}

// True when path, with every link resolved, is dir or under it.
bool Inside(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(path, ec);
  if (ec) return false;
  const std::string text = resolved.string();
  const std::string root = fs::canonical(dir).string();
  return text == root || text.rfind(root + "/", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path& sandbox = Sandbox();
  const fs::path blob = sandbox / "blob";
  const fs::path module = sandbox / "module";
  const fs::path outside = sandbox / "outside";
  std::error_code ec;
  fs::remove_all(module, ec);
  fs::remove_all(outside, ec);
  fs::create_directory(outside, ec);
  std::ofstream(outside / "sentinel") << "outside";
  std::ofstream(blob, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));

  host::modules::ModuleArchiveLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_entries = 1000;
  const host::Status status = host::modules::UnpackModuleSource(blob, module, limits);
  if (!status.ok()) {
    Expect(!status.message().empty(), "a refused archive has no message");
    Expect(!fs::exists(fs::symlink_status(module)), "a refused archive left its folder");
  } else {
    for (auto it = fs::recursive_directory_iterator(module, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      struct stat st {};
      Expect(lstat(it->path().c_str(), &st) == 0, "cannot stat an unpacked entry");
      Expect(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode),
             "an accepted archive made something other than a file, folder or link");
      Expect((st.st_mode & 07000) == 0, "an accepted archive made a set-id or sticky entry");
      Expect(!S_ISREG(st.st_mode) || st.st_nlink == 1, "an accepted archive made a hard link");
      if (S_ISLNK(st.st_mode)) Expect(Inside(it->path(), module), "a link leads outside");
    }
  }
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(sandbox, ec)) {
    names.insert(entry.path().filename().string());
  }
  Expect(names == std::set<std::string>{"blob", "module", "outside"} ||
             names == std::set<std::string>{"blob", "outside"},
         "the archive wrote next to its folder");
  std::set<std::string> outside_names;
  for (const auto& entry : fs::directory_iterator(outside, ec)) {
    outside_names.insert(entry.path().filename().string());
  }
  Expect(outside_names == std::set<std::string>{"sentinel"}, "the archive wrote outside");
  std::ifstream sentinel(outside / "sentinel");
  std::string text((std::istreambuf_iterator<char>(sentinel)), std::istreambuf_iterator<char>());
  Expect(text == "outside", "the archive changed a file outside its folder");
  fs::remove_all(module, ec);
  return 0;
}
