// Overlay and OCI whiteouts in one place: the ".wh." names OCI layers use to delete a path or hide
// a folder's lower contents, and the character device 0:0 and xattr overlayfs uses for the same.
#ifndef HOST_BASE_WHITEOUT_H_
#define HOST_BASE_WHITEOUT_H_

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <string>
#include <string_view>

namespace host {

// The name prefix of an OCI whiteout: ".wh.NAME" deletes NAME from the layers below.
inline constexpr char kWhiteoutPrefix[] = ".wh.";
// The OCI opaque marker: a folder holding it hides what lower layers hold in that folder.
inline constexpr char kOpaqueMarker[] = ".wh..wh..opq";
// The prefix of AUFS metadata names (the opaque marker among them).
inline constexpr char kAufsMetadataPrefix[] = ".wh..wh.";
// The overlayfs xattr that marks a folder opaque (value "y").
inline constexpr char kOverlayOpaqueXattr[] = "trusted.overlay.opaque";

// True when an OCI layer entry name is a whiteout of any kind (".wh." prefix).
inline bool IsWhiteoutName(std::string_view name) { return name.starts_with(kWhiteoutPrefix); }

// True when an OCI layer entry name is the opaque marker ".wh..wh..opq".
inline bool IsOpaqueMarker(std::string_view name) { return name == kOpaqueMarker; }

// True when an OCI layer entry name is AUFS metadata (".wh..wh." prefix), the opaque marker
// included.
inline bool IsAufsMetadata(std::string_view name) { return name.starts_with(kAufsMetadataPrefix); }

// The name a whiteout deletes: "x" for ".wh.x"; empty when name is not a whiteout.
inline std::string_view WhiteoutTarget(std::string_view name) {
  return IsWhiteoutName(name) ? name.substr(sizeof kWhiteoutPrefix - 1) : std::string_view();
}

// The OCI whiteout name that deletes target: ".wh.x" for "x".
inline std::string WhiteoutName(std::string_view target) {
  return kWhiteoutPrefix + std::string(target);
}

// True when a file in an overlay layer folder is an overlay whiteout (a character device 0:0).
inline bool IsOverlayWhiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

}  // namespace host

#endif  // HOST_BASE_WHITEOUT_H_
