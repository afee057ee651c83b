// A module's source folder as a deterministic tar.gz, and its safe unpacking from untrusted bytes.
#ifndef HOST_MODULES_MODULE_ARCHIVE_H_
#define HOST_MODULES_MODULE_ARCHIVE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host::modules {

// Bounds on a module source archive, so that a small download cannot fill the disk.
struct ModuleArchiveLimits {
  uint64_t max_bytes = uint64_t{256} << 20;  // bytes of files unpacked (and of the archive)
  uint64_t max_entries = 20'000;             // tar entries
};

// The files of a module folder that are published, relative to dir and sorted: the files git
// tracks when dir is in a git work tree (plus module.json, README* and LICENSE* at the top when
// they are untracked), else every file and link except the top "build" folder and hidden names.
Result<std::vector<std::string>> ModuleSourceFiles(const std::filesystem::path& dir);

// A gzip-compressed tar of files (relative to dir) with their folders: sorted, modes 0644 or 0755
// (0755 for executables and folders), owner 0, mtime 0, so that the same files give the same
// bytes. Symbolic links are kept as links. Fails on anything else (fifos, devices) and beyond
// limits.
Result<std::string> PackModuleSource(const std::filesystem::path& dir,
                                     const std::vector<std::string>& files,
                                     const ModuleArchiveLimits& limits = {});

// Unpacks an untrusted module archive (blob) into dir, which must not exist. Only plain files,
// folders and symbolic links whose targets stay inside dir are accepted: absolute paths, "..",
// hard links, devices, fifos, set-id bits, extended attributes and whiteouts fail the whole
// archive, as do more than limits allow. On failure dir is removed.
Status UnpackModuleSource(const std::filesystem::path& blob, const std::filesystem::path& dir,
                          const ModuleArchiveLimits& limits = {});

}  // namespace host::modules

#endif  // HOST_MODULES_MODULE_ARCHIVE_H_
