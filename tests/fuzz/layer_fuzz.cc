// Fuzzes layer unpacking: the input is a layer blob (a tar, plain or gzip- or zstd-compressed)
// unpacked by ExtractLayer into a fresh folder, which is removed afterwards. Whatever the blob
// holds, nothing may be written outside that folder: each run unpacks into sandbox/layer next to
// a sibling folder sandbox/outside holding one file, and checks afterwards that the sandbox holds
// exactly those two and that the sibling and its file are untouched.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "core/images/digest.h"
#include "core/images/layer.h"

namespace {

namespace fs = std::filesystem;

// Reports a broken promise and stops, so libFuzzer keeps the input.
void Expect(bool condition, const std::string& what) {
  if (condition) return;
  std::fprintf(stderr, "layer_fuzz: %s\n", what.c_str());
  std::abort();
}

constexpr char kSentinelText[] = "outside the layer folder\n";

// Writes bytes to a new file.
void WriteFile(const fs::path& file, const void* data, size_t size) {
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  Expect(fd >= 0, "cannot create " + file.string());
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    Expect(n > 0, "cannot write " + file.string());
    p += n;
    size -= static_cast<size_t>(n);
  }
  close(fd);
}

// The names in a folder.
std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.insert(it->path().filename().string());
  }
  Expect(!ec, "cannot list " + dir.string() + ": " + ec.message());
  return names;
}

// Everything about a file that a write through a link would change.
std::string Fingerprint(const fs::path& file) {
  struct stat st {};
  if (lstat(file.c_str(), &st) != 0) return "missing";
  return std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
         std::to_string(st.st_nlink) + " " + std::to_string(st.st_uid) + " " +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

// A folder of this process under the temporary folder ($TMPDIR), made once and removed at exit;
// each run uses it afresh.
const fs::path& Sandbox() {
  static const fs::path* sandbox = [] {
    std::string pattern = (fs::temp_directory_path() / "host-layer-fuzz-XXXXXX").string();
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path& sandbox = Sandbox();
  const fs::path blob = sandbox / "blob";
  const fs::path layer = sandbox / "layer";
  const fs::path outside = sandbox / "outside";
  const fs::path sentinel = outside / "sentinel";
  std::error_code ec;
  fs::remove_all(layer, ec);
  fs::remove_all(outside, ec);
  Expect(fs::create_directory(layer, ec), "cannot create " + layer.string());
  Expect(fs::create_directory(outside, ec), "cannot create " + outside.string());
  WriteFile(sentinel, kSentinelText, sizeof(kSentinelText) - 1);
  WriteFile(blob, data, size);
  const std::string outside_before = Fingerprint(outside);
  const std::string sentinel_before = Fingerprint(sentinel);

  host::Result<std::string> digest = host::images::ExtractLayer(blob, layer);
  if (digest.ok()) {
    Expect(host::images::IsSha256Digest(*digest), "an unpacked layer has no valid digest");
  } else {
    Expect(!digest.status().message().empty(), "a refused layer has no message");
  }

  Expect(Names(sandbox) == std::set<std::string>{"blob", "layer", "outside"},
         "the layer wrote next to its folder");
  Expect(Names(outside) == std::set<std::string>{"sentinel"},
         "the layer wrote into a sibling folder");
  Expect(Fingerprint(outside) == outside_before, "the layer changed a sibling folder");
  Expect(Fingerprint(sentinel) == sentinel_before, "the layer changed a file outside its folder");
  Expect(Fingerprint(blob) != "missing", "the layer removed its own blob");
  fs::remove_all(layer, ec);
  Expect(!ec, "cannot remove the unpacked layer: " + ec.message());
  return 0;
}
