// A fresh folder for one test, removed with everything in it at the end.
#ifndef HOST_TESTS_EXECUTOR_SCRATCH_DIR_H_
#define HOST_TESTS_EXECUTOR_SCRATCH_DIR_H_

#include <filesystem>
#include <string>
#include <vector>

namespace host::test {

// A new folder below GoogleTest's temporary folder; removed by the destructor.
class ScratchDir {
 public:
  // Creates the folder.
  ScratchDir();
  // Removes it.
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // The folder.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Mount points in /proc/self/mountinfo at or below folder.
std::vector<std::string> MountsUnder(const std::filesystem::path& folder);

// Files at or below folder whose bytes contain needle.
std::vector<std::string> FilesContaining(const std::filesystem::path& folder,
                                         const std::string& needle);

// The whole content of a file; empty when it cannot be read.
std::string ReadWholeFile(const std::filesystem::path& path);

}  // namespace host::test

#endif  // HOST_TESTS_EXECUTOR_SCRATCH_DIR_H_
