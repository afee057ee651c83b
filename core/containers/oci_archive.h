// Containers written out as OCI image layouts in a tar ("oci-archive"), which skopeo, umoci,
// podman and docker load.
#ifndef HOST_CONTAINERS_OCI_ARCHIVE_H_
#define HOST_CONTAINERS_OCI_ARCHIVE_H_

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/base/status.h"
#include "core/containers/layer_blob.h"
#include "core/types/container_backend.h"

namespace host {

// The original compressed blob of a layer folder when its image is still stored (nullopt: the
// folder is compressed anew).
using OriginalLayerBlob =
    std::function<std::optional<LayerBlob>(const std::filesystem::path& layer)>;

// Writes spec as an OCI image layout in a tar at spec.path: oci-layout, index.json (its one
// manifest named by the annotation org.opencontainers.image.ref.name = spec.ref_name), and under
// blobs/sha256/ the manifest, the config (env, entrypoint, cmd, working dir, user, diff_ids) and
// one gzip-compressed layer per layer folder. Temporary layer blobs go to temp_dir. The tar is
// written beside spec.path and renamed into place, so a failure leaves nothing there. Returns the
// manifest digest.
Result<std::string> WriteOciArchive(const ImageExport& spec, const std::filesystem::path& temp_dir,
                                    const OriginalLayerBlob& original);

}  // namespace host

#endif  // HOST_CONTAINERS_OCI_ARCHIVE_H_
