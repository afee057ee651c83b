#include "tests/core/executor/tar_listing.h"

#include <archive.h>
#include <archive_entry.h>

namespace host::test {

std::vector<TarEntry> ReadTar(const std::filesystem::path& path) {
  std::vector<TarEntry> entries;
  archive* in = archive_read_new();
  archive_read_support_format_tar(in);
  if (archive_read_open_filename(in, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    archive_read_free(in);
    return entries;
  }
  archive_entry* entry = nullptr;
  while (archive_read_next_header(in, &entry) == ARCHIVE_OK) {
    TarEntry e;
    e.path = archive_entry_pathname(entry);
    e.type = archive_entry_filetype(entry);
    e.perm = archive_entry_perm(entry);
    e.uid = archive_entry_uid(entry);
    e.gid = archive_entry_gid(entry);
    if (const char* uname = archive_entry_uname(entry)) e.uname = uname;
    e.mtime = archive_entry_mtime(entry);
    if (const char* target = archive_entry_hardlink(entry)) {
      e.link = target;
      e.hardlink = true;
    } else if (const char* target = archive_entry_symlink(entry)) {
      e.link = target;
    }
    archive_entry_xattr_reset(entry);
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
      e.xattrs[name] = std::string(static_cast<const char*>(value), size);
    }
    char buffer[8192];
    la_ssize_t n;
    while ((n = archive_read_data(in, buffer, sizeof buffer)) > 0) {
      e.data.append(buffer, static_cast<size_t>(n));
    }
    entries.push_back(std::move(e));
  }
  archive_read_free(in);
  return entries;
}

}  // namespace host::test
