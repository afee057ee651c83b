#include "core/types/directory_diff.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "core/types/snapshot_store.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// Whether two regular files hold the same bytes.
bool SameBytes(const fs::path& a, const fs::path& b) {
  std::ifstream in_a(a, std::ios::binary), in_b(b, std::ios::binary);
  std::vector<char> chunk_a(1 << 16), chunk_b(1 << 16);
  for (;;) {
    in_a.read(chunk_a.data(), static_cast<std::streamsize>(chunk_a.size()));
    in_b.read(chunk_b.data(), static_cast<std::streamsize>(chunk_b.size()));
    if (in_a.gcount() != in_b.gcount() ||
        !std::equal(chunk_a.begin(), chunk_a.begin() + in_a.gcount(), chunk_b.begin())) {
      return false;
    }
    if (in_a.gcount() == 0) return in_a.eof() && in_b.eof();
  }
}

// Whether an entry of upper is the same as the one at its place in lower: type, mode, and bytes
// or link target. Folders are compared as themselves, not by what they hold.
bool SameEntry(const fs::path& lower, const struct stat& l, const fs::path& upper,
               const struct stat& u) {
  if ((l.st_mode & S_IFMT) != (u.st_mode & S_IFMT) || (l.st_mode & 07777) != (u.st_mode & 07777)) {
    return false;
  }
  std::error_code ec;
  if (S_ISLNK(u.st_mode)) return fs::read_symlink(lower, ec) == fs::read_symlink(upper, ec);
  if (!S_ISREG(u.st_mode)) return true;
  if (l.st_dev == u.st_dev && l.st_ino == u.st_ino) return true;  // one snapshot's link of another
  return l.st_size == u.st_size && SameBytes(lower, upper);
}

// Copies one entry of upper (a folder whole) to out.
Status CopyEntry(const fs::path& upper, const struct stat& st, const fs::path& out) {
  std::error_code ec;
  if (S_ISDIR(st.st_mode)) {
    if (Status s = CopyTree(upper, out, {}, /*link=*/true); !s.ok()) return s;
    chmod(out.c_str(), st.st_mode & 07777);
    return {};
  }
  if (S_ISLNK(st.st_mode)) {
    fs::create_symlink(fs::read_symlink(upper, ec), out, ec);
  } else {
    fs::create_hard_link(upper, out, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(upper, out, ec);
      chmod(out.c_str(), st.st_mode & 07777);
    }
  }
  if (ec) return Status::Failed("cannot copy " + upper.string() + ": " + ec.message());
  return {};
}

// Writes into out (which exists) what the folder upper has that lower lacks or has otherwise;
// *wrote says whether anything was written.
Status DiffFolder(const fs::path& lower, const fs::path& upper, const fs::path& out, bool* wrote) {
  std::error_code ec;
  for (fs::directory_iterator it(upper, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const fs::path name = entry.path().filename();
    struct stat u {};
    if (lstat(entry.path().c_str(), &u) != 0) continue;
    if (!S_ISDIR(u.st_mode) && !S_ISREG(u.st_mode) && !S_ISLNK(u.st_mode)) continue;
    struct stat l {};
    const bool in_lower = lstat((lower / name).c_str(), &l) == 0;
    const bool same = in_lower && SameEntry(lower / name, l, entry.path(), u);
    if (same && !S_ISDIR(u.st_mode)) continue;
    if (in_lower && S_ISDIR(u.st_mode) && S_ISDIR(l.st_mode)) {
      // A folder in both: only what changed inside it, and itself when its mode changed.
      fs::create_directory(out / name, ec);
      if (ec) return Status::Failed("cannot create " + (out / name).string() + ": " + ec.message());
      bool inner = false;
      if (Status s = DiffFolder(lower / name, entry.path(), out / name, &inner); !s.ok()) return s;
      if (!inner && same) {
        fs::remove(out / name, ec);
        continue;
      }
      chmod((out / name).c_str(), u.st_mode & 07777);
    } else if (Status s = CopyEntry(entry.path(), u, out / name); !s.ok()) {
      return s;
    }
    *wrote = true;
  }
  if (ec) return Status::Failed("cannot read " + upper.string() + ": " + ec.message());
  return {};
}

}  // namespace

Status CopyDifference(const fs::path& lower, const fs::path& upper, const fs::path& out) {
  bool wrote = false;
  return DiffFolder(lower, upper, out, &wrote);
}

}  // namespace host
