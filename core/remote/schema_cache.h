// Schemas of module processes kept on disk by the digest of the module's folder, so that loading
// a module that depends on a process module does not start that process: it starts at the first
// call. Entries are checked when read (a damaged or foreign one is ignored and removed) and
// written atomically (a temporary file renamed into place), so concurrent hosts never read half
// an entry.
#ifndef HOST_REMOTE_SCHEMA_CACHE_H_
#define HOST_REMOTE_SCHEMA_CACHE_H_

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/remote/grpc_plugin.h"

namespace host::remote {

// The largest schema kept: a bigger one is described again on every load.
inline constexpr size_t kMaxCachedSchemaBytes = 16u << 20;

// A folder of schemas (the state folder's "schemas"), one file per key.
class SchemaCache {
 public:
  // Entries live in dir, made on the first store.
  explicit SchemaCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The key of a module process's schema: its folder's content digest, the command that serves
  // it and the build of this host (whose protocol and SDK expectations the schema was read with).
  static std::string Key(const std::string& folder_digest, const std::vector<std::string>& command);

  // The schema and build stored under key; nullopt when there are none or the entry fails its
  // checks (then it is removed, best effort, and the caller describes the module again).
  std::optional<DescribedModule> Find(const std::string& key) const;
  // Stores a module's description under key, replacing any entry atomically. Best effort: a failure
  // only means the module is described again on the next load.
  void Store(const std::string& key, const DescribedModule& described) const;
  // Removes the entry of key (its schema no longer matches the module), best effort.
  void Remove(const std::string& key) const;

 private:
  std::filesystem::path File(const std::string& key) const;

  std::filesystem::path dir_;
};

}  // namespace host::remote

#endif  // HOST_REMOTE_SCHEMA_CACHE_H_
