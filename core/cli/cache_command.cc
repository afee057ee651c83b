#include "core/cli/cache_command.h"

#include <cstdio>
#include <iostream>

#include "core/cli/cli.h"
#include "core/engine/cache_admin.h"
#include "core/engine/state_dir.h"

namespace host::cli {
namespace {

const char* kUsage =
    "Show or reduce what the state folder holds.\n\nUsage:\n  host cache du\n  host cache prune "
    "[--keep SIZE]\n\nprune removes the least recently used step results, snapshots and image "
    "layers until\nat most SIZE is left (default 0: all of them); cache volumes are kept.\n";

}  // namespace

int RunCache(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::filesystem::path state = DefaultStateDir();
  if (args[0] == "du" && args.size() == 1) {
    uint64_t total = 0;
    std::printf("%-10s %10s %8s\n", "Store", "Size", "Entries");
    for (const auto& usage : CacheUsage(state)) {
      std::printf("%-10s %10s %8zu\n", usage.name.c_str(), FormatSize(usage.bytes).c_str(),
                  usage.entries);
      total += usage.bytes;
    }
    std::printf("%-10s %10s\n", "total", FormatSize(total).c_str());
    std::printf("(in %s)\n", state.string().c_str());
    return 0;
  }
  if (args[0] == "prune") {
    uint64_t keep = 0;
    for (size_t i = 1; i < args.size(); ++i) {
      std::string text;
      if (args[i] == "--keep" && i + 1 < args.size()) {
        text = args[++i];
      } else if (args[i].rfind("--keep=", 0) == 0) {
        text = args[i].substr(7);
      } else {
        return Report(Status::Usage("cache prune: unexpected '" + args[i] +
                                    "'; usage: host cache prune [--keep SIZE]"));
      }
      Result<uint64_t> size = ParseSize(text);
      if (!size.ok()) return Report(size.status());
      keep = *size;
    }
    size_t removed = 0;
    Result<uint64_t> freed = PruneCache(state, keep, &removed);
    if (!freed.ok()) return Report(freed.status());
    std::printf("removed %zu entries, freed %s\n", removed, FormatSize(*freed).c_str());
    return 0;
  }
  return Report(Status::Usage("unknown cache command '" + args[0] + "'; use du or prune"));
}

}  // namespace host::cli
