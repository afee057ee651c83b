// Turning a step's upper folder (overlay form) into an OCI layer tar stream.
#ifndef HOST_EXECUTOR_LAYER_EXPORT_H_
#define HOST_EXECUTOR_LAYER_EXPORT_H_

#include <cstddef>
#include <filesystem>
#include <functional>

#include "core/base/status.h"

namespace host {

// How a layer tar is written.
struct LayerExportOptions {
  bool zero_mtime = false;  // give every entry mtime 0, for layers that do not depend on when
};

// Writes the changes in upper_dir (overlay form) to out_fd as an uncompressed OCI layer tar in
// POSIX pax format: entries depth-first in byte order of names, numeric owners only, a deleted
// file (character device 0:0) as an empty ".wh.NAME", an opaque folder (trusted.overlay.opaque=y)
// followed by ".wh..wh..opq", hard links as links, extended attributes except overlayfs's own.
// Overlay redirects and metacopy files cannot be exported and are an error. Does not close out_fd.
Status ExportLayer(const std::filesystem::path& upper_dir, int out_fd,
                   const LayerExportOptions& options = {});

// Takes the bytes of a layer tar as they are written; an error stops the export with it.
using LayerSink = std::function<Status(const void* data, size_t size)>;

// ExportLayer into a sink (to hash or compress the tar as it is made) instead of a descriptor.
Status ExportLayerToSink(const std::filesystem::path& upper_dir, const LayerSink& sink,
                         const LayerExportOptions& options = {});

// ExportLayer into a new file at tar_path (replaced if it exists).
Status ExportLayerToFile(const std::filesystem::path& upper_dir,
                         const std::filesystem::path& tar_path,
                         const LayerExportOptions& options = {});

}  // namespace host

#endif  // HOST_EXECUTOR_LAYER_EXPORT_H_
