// Tags resolved to digests, remembered in <state>/tags, so that a tag whose image is already here
// is not asked of its registry again while the registry's answer is recent enough (tag_ttl).
#ifndef HOST_IMAGES_TAG_STORE_H_
#define HOST_IMAGES_TAG_STORE_H_

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/images/reference.h"

namespace host::images {

// The registry's last answers to "which digest does this tag name?", one small file per
// reference (<state>/tags/<sha256 of the reference>.json: reference, digest, when it was
// resolved). Files are written beside their place and renamed into it, so concurrent processes
// and threads read either the old or the new answer, never a mix; the last writer wins.
class TagStore {
 public:
  // A store rooted at state_dir (entries live in state_dir/tags).
  explicit TagStore(std::filesystem::path state_dir);

  // The digest the registry gave for reference's tag less than ttl before now, if any. A zero
  // ttl, a reference by digest, a missing or unreadable entry, or one resolved more than a few
  // seconds "in the future" (the clock went back) all give nullopt: the registry must be asked.
  std::optional<std::string> Lookup(
      const ImageReference& reference, std::chrono::seconds ttl,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  // Records that the registry resolved reference's tag to digest at resolved_at.
  Status Record(
      const ImageReference& reference, std::string_view digest,
      std::chrono::system_clock::time_point resolved_at = std::chrono::system_clock::now()) const;

  // The file that holds reference's entry.
  std::filesystem::path Path(const ImageReference& reference) const;

  // What is wrong with the entry in file: empty when it parses, holds a sha256 digest and is
  // named after its reference. Lookup reports (Warn) and removes such an entry.
  static std::string CheckEntry(const std::filesystem::path& file);

 private:
  std::filesystem::path dir_;
};

}  // namespace host::images

#endif  // HOST_IMAGES_TAG_STORE_H_
