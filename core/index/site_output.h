// The folder a site is built in and how it replaces the served one: files are written into a
// temporary sibling of the site folder (each text file of 1 KiB or more with a gzip sibling of
// the same mtime), then swapped in whole with a rename.
#ifndef HOST_CORE_INDEX_SITE_OUTPUT_H_
#define HOST_CORE_INDEX_SITE_OUTPUT_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::index {

// The file that marks a folder as a site this code wrote (and may therefore replace).
inline constexpr const char* kSiteMarker = ".host-index-site";

// Files from this size on also get a gzip sibling (X.gz).
inline constexpr size_t kGzipFromBytes = 1024;

// gzip (RFC 1952) of bytes at the best compression, with no name and a zero mtime in its header.
Result<std::string> Gzip(std::string_view bytes);

// A site under construction in a temporary sibling of the target folder.
class SiteOutput {
 public:
  // Checks that target may be replaced (missing, empty, or holding the marker) and creates the
  // temporary folder beside it.
  static Result<SiteOutput> Begin(const std::filesystem::path& target);
  SiteOutput(SiteOutput&& other) noexcept;
  SiteOutput& operator=(SiteOutput&&) = delete;
  // Removes the temporary folder unless Commit succeeded.
  ~SiteOutput();

  // Writes content at relative (a path of safe segments, checked: no "..", no absolute path),
  // creating its folders, plus relative.gz when content is 1 KiB or more.
  Status Write(std::string_view relative, std::string_view content);

  // Writes the marker and swaps the built site in place of the target, removing the old one.
  Status Commit();

  // How many files were written (gzip siblings not counted).
  size_t files() const { return files_; }

 private:
  SiteOutput(std::filesystem::path target, std::filesystem::path building)
      : target_(std::move(target)), building_(std::move(building)) {}
  std::filesystem::path target_;
  std::filesystem::path building_;
  size_t files_ = 0;
  bool committed_ = false;
};

}  // namespace host::index

#endif  // HOST_CORE_INDEX_SITE_OUTPUT_H_
