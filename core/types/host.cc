// Host: the machine host runs on; its folders and files become Directory and File snapshots.
#include <sys/stat.h>

#include <fstream>

#include "core/types/core_function.h"
#include "core/types/core_module.h"
#include "core/types/host_paths.h"
#include "core/types/source_snapshot.h"

namespace host {
namespace fs = std::filesystem;

using namespace decl;

namespace {

// The patterns of a folder's .gitignore that a filter can use (negations are not supported).
std::vector<std::string> GitignorePatterns(const fs::path& dir) {
  std::vector<std::string> patterns = {".git"};
  std::ifstream in(dir / ".gitignore");
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    patterns.push_back(line);
  }
  return patterns;
}

Result<Snapshot> HostDirectory(CoreCall& c) {
  Result<fs::path> host_path =
      AbsoluteHostPath(c.String("path"), "host directory needs --path, a path on the host");
  if (!host_path.ok()) return host_path.status();
  const fs::path& path = *host_path;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status::Usage("host directory " + path.string() + " does not exist");
  }
  if (!fs::is_directory(path, ec)) {
    return Status::Usage("host path " + path.string() + " is not a directory; use host file");
  }
  PathFilter filter;
  filter.include = c.Strings("include");
  filter.exclude = c.Strings("exclude");
  if (c.Bool("gitignore")) {
    for (auto& p : GitignorePatterns(path)) filter.exclude.push_back(p);
  }
  return SnapshotHostFolder(c.services().snapshots(), c.services().state_dir() / "sources", path,
                            filter);
}

Result<FileState> HostFile(CoreCall& c) {
  Result<fs::path> absolute =
      AbsoluteHostPath(c.String("path"), "host file needs --path, a path on the host");
  if (!absolute.ok()) return absolute.status();
  const fs::path& host_path = *absolute;
  std::error_code ec;
  if (!fs::is_regular_file(host_path, ec)) {
    return Status::Usage("host file " + host_path.string() + " does not exist or is not a file");
  }
  // Snapshot the file, so later changes on the host cannot change this File.
  Result<Snapshot> copy = c.services().snapshots().Make([&](const fs::path& to) {
    fs::copy_file(host_path, to / host_path.filename(), ec);
    return ec ? Status::Failed("cannot copy " + host_path.string() + ": " + ec.message())
              : Status();
  });
  if (!copy.ok()) return copy.status();
  FileState file;
  file.path = copy->path / host_path.filename();
  file.name = file.path.filename().string();
  return file;
}

}  // namespace

void DeclareHost(CoreCatalog& catalog) {
  catalog.Object<HostState>("The machine host runs on.")
      .Fn("directory", "A folder of the host, copied when evaluated.",
          {Arg("path", String(), "The folder (relative to the current folder)."),
           Default("exclude", Strings(), "Glob patterns of paths to leave out.", EmptyList()),
           Default("include", Strings(), "Glob patterns of the only files to take.", EmptyList()),
           Default("gitignore", Boolean(), "Also leaves out what the folder's .gitignore names.",
                   Flag(false))},
          HostDirectory, v1::CACHE_POLICY_SESSION)
      .Fn("file", "A file of the host, copied when evaluated.",
          {Arg("path", String(), "The file (relative to the current folder).")}, HostFile,
          v1::CACHE_POLICY_SESSION);
}

}  // namespace host
