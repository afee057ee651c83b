#include "core/modules/module_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "core/base/best_effort.h"
#include "core/base/subprocess.h"
#include "core/images/layer.h"

namespace host::modules {
namespace fs = std::filesystem;

namespace {

// True for the names published even when git does not track them.
bool IsAlwaysPublished(const std::string& name) {
  return name == "module.json" || name.rfind("README", 0) == 0 || name.rfind("LICENSE", 0) == 0;
}

// The files git tracks under dir, or nullopt when dir is not in a git work tree (or git is not
// installed).
Result<std::optional<std::vector<std::string>>> GitTrackedFiles(const fs::path& dir) {
  SubprocessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "ls-files", "-z", "--", "."};
  spec.stdio = {ChildStream::Null(), ChildStream::Pipe(), ChildStream::Pipe()};
  Result<SubprocessOutput> run = RunSubprocess(spec);
  if (!run.ok()) return std::optional<std::vector<std::string>>();  // no git here: no work tree
  if (!run->exit.success()) {
    if (run->err.find("not a git repository") != std::string::npos) {
      return std::optional<std::vector<std::string>>();
    }
    return Status::Failed("listing the files git tracks in " + dir.string() +
                          " failed: " + run->err);
  }
  std::vector<std::string> files;
  for (size_t start = 0; start < run->out.size();) {
    size_t end = run->out.find('\0', start);
    if (end == std::string::npos) end = run->out.size();
    if (end > start) files.push_back(run->out.substr(start, end - start));
    start = end + 1;
  }
  return std::optional<std::vector<std::string>>(std::move(files));
}

// libarchive's error text of a, which it may not have.
std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "malformed archive";
}

// Appends what libarchive writes to a string.
la_ssize_t AppendToString(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

// The components of a relative path, or an error when it is absolute, empty or uses "..".
Result<std::vector<std::string>> Components(std::string_view path, std::string_view shown) {
  if (path.empty() || path.front() == '/') {
    return Status::Failed("entry \"" + std::string(shown) + "\" is an absolute or empty path");
  }
  std::vector<std::string> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    std::string part(path.substr(0, slash));
    if (part == "..") {
      return Status::Failed("entry \"" + std::string(shown) +
                            "\" leaves the folder through \"..\"");
    }
    if (part == ".git" || part.rfind(".wh.", 0) == 0) {
      return Status::Failed("entry \"" + std::string(shown) + "\" has a name (\"" + part +
                            "\") a module archive may not hold");
    }
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (parts.empty()) parts.push_back(".");
  return parts;
}

// Checks that a link at entry path (components) pointing at target stays inside the archive's
// folder: a relative target made of some ".." (no more than the link's depth) followed by names.
Status CheckLinkTarget(const std::vector<std::string>& link, std::string_view target,
                       const std::string& shown) {
  if (target.empty() || target.front() == '/') {
    return Status::Failed("link \"" + shown + "\" points at \"" + std::string(target) +
                          "\", outside the module");
  }
  size_t up = 0;
  bool descended = false;
  std::string_view rest = target;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part == "..") {
      if (descended) {
        return Status::Failed("link \"" + shown + "\" points at \"" + std::string(target) +
                              "\": \"..\" after a name may leave the module through a link");
      }
      ++up;
    } else if (!part.empty() && part != ".") {
      descended = true;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (up + 1 > link.size()) {
    return Status::Failed("link \"" + shown + "\" points at \"" + std::string(target) +
                          "\", outside the module");
  }
  return {};
}

// Checks every entry of an untrusted archive before anything is written.
Status ScanArchive(const fs::path& blob, const ModuleArchiveLimits& limits) {
  archive* reader = archive_read_new();
  archive_read_support_filter_gzip(reader);
  archive_read_support_format_tar(reader);
  const std::string where = "module archive " + blob.filename().string() + ": ";
  if (archive_read_open_filename(reader, blob.c_str(), 1 << 16) != ARCHIVE_OK) {
    Status failed = Status::Failed(where + ArchiveError(reader));
    archive_read_free(reader);
    return failed;
  }
  Status status;
  uint64_t entries = 0;
  uint64_t bytes = 0;
  archive_entry* entry = nullptr;
  for (;;) {
    const int got = archive_read_next_header(reader, &entry);
    if (got == ARCHIVE_EOF) break;
    if (got != ARCHIVE_OK) {
      status = Status::Failed(where + "unreadable: " + ArchiveError(reader));
      break;
    }
    const char* name = archive_entry_pathname(entry);
    const std::string shown = name != nullptr ? name : "";
    if (++entries > limits.max_entries) {
      status =
          Status::Failed(where + "more than " + std::to_string(limits.max_entries) + " entries");
      break;
    }
    Result<std::vector<std::string>> parts = Components(shown, shown);
    if (!parts.ok()) {
      status = parts.status().Prefixed(where);
      break;
    }
    const mode_t type = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry) != nullptr) {
      status = Status::Failed(where + "entry \"" + shown + "\" is a hard link");
      break;
    }
    if ((archive_entry_mode(entry) & 07000) != 0) {
      status = Status::Failed(where + "entry \"" + shown + "\" has set-id or sticky bits");
      break;
    }
    if (archive_entry_xattr_count(entry) > 0) {
      status = Status::Failed(where + "entry \"" + shown + "\" has extended attributes");
      break;
    }
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      status = CheckLinkTarget(*parts, target != nullptr ? target : "", shown).Prefixed(where);
      if (!status.ok()) break;
    } else if (type != AE_IFREG && type != AE_IFDIR) {
      status = Status::Failed(where + "entry \"" + shown +
                              "\" is not a file, folder or link (a device or fifo)");
      break;
    }
    if (archive_entry_size(entry) > 0) bytes += static_cast<uint64_t>(archive_entry_size(entry));
    if (bytes > limits.max_bytes) {
      status = Status::Failed(where + "its files are larger than " +
                              std::to_string(limits.max_bytes) + " bytes");
      break;
    }
  }
  archive_read_free(reader);
  return status;
}

}  // namespace

Result<std::vector<std::string>> ModuleSourceFiles(const fs::path& dir) {
  Result<std::optional<std::vector<std::string>>> tracked = GitTrackedFiles(dir);
  if (!tracked.ok()) return tracked.status();
  std::set<std::string> files;
  std::error_code ec;
  if (tracked->has_value()) {
    for (const std::string& file : **tracked) {
      // A tracked file deleted in the work tree is not published (the dirty check reports it).
      if (fs::symlink_status(dir / file, ec).type() != fs::file_type::not_found) {
        files.insert(file);
      }
    }
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (IsAlwaysPublished(name) && entry.is_regular_file(ec)) files.insert(name);
    }
  } else {
    auto it = fs::recursive_directory_iterator(dir, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const bool top_build = it.depth() == 0 && name == "build";
      if (name.front() == '.' || top_build) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
      files.insert(fs::relative(it->path(), dir, ec).string());
    }
  }
  if (ec) return Status::Failed("listing the files of " + dir.string() + ": " + ec.message());
  return std::vector<std::string>(files.begin(), files.end());
}

Result<std::string> PackModuleSource(const fs::path& dir, const std::vector<std::string>& files,
                                     const ModuleArchiveLimits& limits) {
  // Every folder of every file, then the files; one sorted list.
  std::set<std::string> entries;
  for (const std::string& file : files) {
    entries.insert(file);
    for (fs::path parent = fs::path(file).parent_path(); !parent.empty();
         parent = parent.parent_path()) {
      entries.insert(parent.string() + "/");
    }
  }
  if (entries.size() > limits.max_entries) {
    return Status::Failed(dir.string() + " has more than " + std::to_string(limits.max_entries) +
                          " files to publish");
  }
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_add_filter_gzip(writer);
  archive_write_set_options(writer, "gzip:!timestamp");
  archive_write_open(writer, &out, nullptr, AppendToString, nullptr);
  Status status;
  uint64_t bytes = 0;
  archive_entry* entry = archive_entry_new();
  for (const std::string& name : entries) {
    archive_entry_clear(entry);
    const bool folder = name.back() == '/';
    const std::string path = folder ? name.substr(0, name.size() - 1) : name;
    archive_entry_set_pathname(entry, path.c_str());
    archive_entry_set_uid(entry, 0);
    archive_entry_set_gid(entry, 0);
    archive_entry_set_mtime(entry, 0, 0);
    std::string contents;
    struct stat info {};
    if (!folder && lstat((dir / path).c_str(), &info) != 0) {
      status = Status::Failed("cannot read " + (dir / path).string());
      break;
    }
    if (folder) {
      archive_entry_set_filetype(entry, AE_IFDIR);
      archive_entry_set_perm(entry, 0755);
    } else if (S_ISLNK(info.st_mode)) {
      std::error_code ec;
      const fs::path target = fs::read_symlink(dir / path, ec);
      if (ec) {
        status = Status::Failed("cannot read link " + (dir / path).string() + ": " + ec.message());
        break;
      }
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_perm(entry, 0777);
      archive_entry_set_symlink(entry, target.c_str());
    } else if (S_ISREG(info.st_mode)) {
      bytes += static_cast<uint64_t>(info.st_size);
      if (bytes > limits.max_bytes) {
        status = Status::Failed("the files to publish of " + dir.string() + " are larger than " +
                                std::to_string(limits.max_bytes) + " bytes");
        break;
      }
      std::ifstream in(dir / path, std::ios::binary);
      contents.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (!in && !in.eof()) {
        status = Status::Failed("cannot read " + (dir / path).string());
        break;
      }
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, (info.st_mode & 0111) != 0 ? 0755 : 0644);
      archive_entry_set_size(entry, static_cast<la_int64_t>(contents.size()));
    } else {
      status = Status::Failed((dir / path).string() +
                              " is not a file, folder or link; remove it or leave it untracked");
      break;
    }
    if (archive_write_header(writer, entry) != ARCHIVE_OK ||
        (!contents.empty() && archive_write_data(writer, contents.data(), contents.size()) !=
                                  static_cast<la_ssize_t>(contents.size()))) {
      status = Status::Failed("packing " + path + ": " + ArchiveError(writer));
      break;
    }
  }
  archive_entry_free(entry);
  if (archive_write_close(writer) != ARCHIVE_OK && status.ok()) {
    status = Status::Failed("packing the module: " + ArchiveError(writer));
  }
  archive_write_free(writer);
  if (!status.ok()) return status;
  return out;
}

Status UnpackModuleSource(const fs::path& blob, const fs::path& dir,
                          const ModuleArchiveLimits& limits) {
  if (Status s = ScanArchive(blob, limits); !s.ok()) return s;
  std::error_code ec;
  if (!fs::create_directory(dir, ec) || ec) {
    return Status::Failed("cannot create " + dir.string() + ": " +
                          (ec ? ec.message() : "it exists"));
  }
  images::LayerLimits layer_limits;
  layer_limits.max_layer_size = limits.max_bytes;
  layer_limits.max_image_size = limits.max_bytes;
  layer_limits.max_layer_entries = limits.max_entries;
  Result<std::string> extracted = images::ExtractLayer(blob, dir, layer_limits);
  if (!extracted.ok()) {
    RemoveTreeBestEffort(dir);
    return extracted.status().Prefixed("module archive " + blob.filename().string() + ": ");
  }
  return {};
}

}  // namespace host::modules
