// File: an immutable file, stored in the state folder.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/base/size.h"
#include "core/types/core_function.h"
#include "core/types/core_module.h"
#include "core/types/host_paths.h"

namespace host {

using namespace decl;

namespace {

// The most File.contents returns; a larger file is exported instead.
constexpr uint64_t kMaxContents = uint64_t{512} << 20;

// The file's metadata, not following a link.
Result<struct stat> StatOf(const FileState& file) {
  struct stat st {};
  if (lstat(file.path.c_str(), &st) != 0) {
    return Status::Failed("cannot read " + file.name + ": " + std::strerror(errno));
  }
  return st;
}

Result<std::string> Contents(CoreCall& c, const FileState& file) {
  Result<struct stat> st = StatOf(file);
  if (!st.ok()) return st.status();
  if (static_cast<uint64_t>(st->st_size) > kMaxContents) {
    return Status::Usage("the file " + file.name + " holds " +
                         FormatSize(static_cast<uint64_t>(st->st_size)) +
                         ", more than contents returns (" + FormatSize(kMaxContents) +
                         "); write it to the host with export instead");
  }
  std::ifstream in(file.path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return Status::Failed("cannot read " + file.name + ": " + std::strerror(errno));
  return c.services().secrets().Redact(bytes);
}

Result<int64_t> Size(CoreCall&, const FileState& file) {
  Result<struct stat> st = StatOf(file);  // from metadata: a sparse file is not read
  if (!st.ok()) return st.status();
  return static_cast<int64_t>(st->st_size);
}

Result<std::string> Export(CoreCall& c, const FileState& file) {
  Result<std::filesystem::path> to =
      AbsoluteHostPath(c.String("path"), "export needs --path, the file to write");
  if (!to.ok()) return to.status();
  if (Status s = ExportFile(file.path, *to); !s.ok()) return s;
  return to->string();
}

}  // namespace

void DeclareFile(CoreCatalog& catalog) {
  catalog.Object<FileState>("An immutable file.")
      .Fn("contents", "The file's contents.", {}, Contents)
      .Fn("size", "The file's size in bytes.", {}, Size)
      .Fn("name", "The file's name.", {},
          [](CoreCall&, const FileState& file) -> Result<std::string> { return file.name; })
      .Fn("digest", "The digest of the file's contents and mode.", {},
          [](CoreCall& c) { return c.evaluator().FileDigestOf(c.receiver()); })
      .Fn("export", "Writes the file to a host path; returns the path.",
          {Arg("path", String(), "The host path.")}, Export, v1::CACHE_POLICY_NEVER);
}

}  // namespace host
