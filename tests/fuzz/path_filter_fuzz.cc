// Fuzzes the path patterns of `host directory --include/--exclude/--gitignore`: the input is a
// .gitignore-like text whose lines are read as `host directory --gitignore` reads them (trailing
// spaces and CRs dropped, blanks, comments and negations skipped); the lines before a line "---"
// are exclude patterns, a line "+++" starts include patterns, and the lines after "===" are paths
// asked about. Every path is also checked as a path inside a tree (InsidePath): an accepted one
// must stay inside.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/types/snapshot_store.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using host::fuzz::Expect;

// Whether a .gitignore line is a pattern; trims it as host does.
bool GitignorePattern(std::string* line) {
  while (!line->empty() && (line->back() == ' ' || line->back() == '\r')) line->pop_back();
  return !line->empty() && (*line)[0] != '#' && (*line)[0] != '!';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  host::PathFilter filter;
  std::vector<std::string> paths;
  std::vector<std::string>* target = &filter.exclude;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line == "+++") {
      target = &filter.include;
    } else if (line == "===") {
      target = &paths;
    } else if (target == &paths) {
      paths.push_back(line);
    } else if (GitignorePattern(&line)) {
      target->push_back(line);
    }
  }
  if (paths.empty()) paths = {"a", "a/b", "src/main.cc", ".git/config", "build/x.o"};
  for (const std::string& path : paths) {
    const bool as_file = filter.Takes(path, false);
    const bool as_dir = filter.Takes(path, true);
    // Folders are walked unless excluded; their files decide.
    if (as_file) Expect(as_dir, "a path taken as a file is not walked as a folder");
    host::Result<std::filesystem::path> inside = host::InsidePath(path, "path");
    if (!inside.ok()) continue;
    Expect(!inside->is_absolute(), "InsidePath accepts an absolute path");
    for (const auto& part : *inside) Expect(part != "..", "InsidePath accepts a path with '..'");
  }
  return 0;
}
