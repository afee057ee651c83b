#include "core/cli/cache_command.h"

#include <cstdio>
#include <iostream>

#include "core/cli/cli.h"
#include "core/engine/cache_admin.h"
#include "core/engine/cache_verify.h"
#include "core/types/state_dir.h"

namespace host::cli {
namespace {

const char* kUsage =
    "Show, check or reduce what the state folder holds.\n\nUsage:\n  host cache du\n  host cache "
    "prune [--keep SIZE]\n  host cache verify [--repair]\n\ndu walks every store and prints its "
    "size and "
    "entries (and what snapshots share by hard\nlinks); prune removes the least recently used "
    "step results, snapshots and image layers until\nat most SIZE is left (default 0: all of "
    "them); "
    "cache volumes are kept.\nverify checks every blob, manifest, config, tag, step result, "
    "snapshot "
    "and function\nresult, prints a line for each corrupt one, and exits 1 if any is left; "
    "--repair\nremoves the corrupt entries (the next run makes them again).\n";

// `host cache verify [--repair]`.
int RunVerify(const std::filesystem::path& state, const std::vector<std::string>& args) {
  bool repair = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] != "--repair") {
      return Report(Status::Usage("cache verify: unexpected '" + args[i] +
                                  "'; usage: host cache verify [--repair]"));
    }
    repair = true;
  }
  CacheVerifyReport report = VerifyCache(state, repair);
  size_t left = 0;
  for (const CacheProblem& problem : report.problems) {
    std::printf("corrupt: %s %s%s\n", problem.entry.c_str(), problem.problem.c_str(),
                problem.removed ? " (removed)" : "");
    if (!problem.removed) ++left;
  }
  std::printf("checked %zu entries in %s: ", report.checked, state.string().c_str());
  if (report.problems.empty()) {
    std::printf("no problems\n");
  } else {
    std::printf("%zu corrupt, %zu removed\n", report.problems.size(),
                report.problems.size() - left);
  }
  return left == 0 ? 0 : 1;
}

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
    const std::vector<StoreUsage> usages = CacheUsage(state);
    for (const auto& usage : usages) {
      std::printf("%-10s %10s %8zu\n", usage.name.c_str(), FormatSize(usage.bytes).c_str(),
                  usage.entries);
      total += usage.bytes;
    }
    std::printf("%-10s %10s\n", "total", FormatSize(total).c_str());
    // What snapshots cost: files unchanged since an earlier snapshot are hard links to it, so
    // their bytes are held once, and freed only when the last snapshot that links them goes.
    for (const auto& usage : usages) {
      if (usage.name != "snapshots" || usage.entries == 0) continue;
      std::printf("snapshots: %s shared with other snapshots (hard links), %s held alone\n",
                  FormatSize(usage.shared_bytes).c_str(),
                  FormatSize(usage.bytes - usage.shared_bytes).c_str());
    }
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
  if (args[0] == "verify") return RunVerify(state, args);
  return Report(Status::Usage("unknown cache command '" + args[0] + "'; use du, prune or verify"));
}

}  // namespace host::cli
