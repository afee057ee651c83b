// Results of module functions, reused according to each function's cache policy: `persistent`
// results survive the process (keyed by content), `session` results live as long as the engine,
// `never` functions run every time.
#ifndef HOST_ENGINE_FUNCTION_CACHE_H_
#define HOST_ENGINE_FUNCTION_CACHE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/base/status.h"
#include "host/v1/wire.pb.h"

namespace host {

class CoreServices;
class TypeRegistry;
struct MemberInfo;

// Where one call's result may be found and kept.
struct FunctionCacheKey {
  std::string session;     // the call's bytes as made (object IDs as given)
  std::string persistent;  // digest of the call by content; empty: the result is session-only
};

// A store of module function results: in memory for the session, on disk under state/calls.
class FunctionCache {
 public:
  // dir: where persistent results live (created on first store); results larger than
  // max_result_size bytes are never written there.
  explicit FunctionCache(std::filesystem::path dir, uint64_t max_result_size = UINT64_MAX)
      : dir_(std::move(dir)), max_result_size_(max_result_size) {}

  // The keys of a call to a function of module_digest. Core objects in the receiver or the
  // arguments are taken by content (a directory's or file's digest, a secret's keyed hash); a
  // container argument, whose content is known only by running it, makes the call session-only,
  // as does by_content false.
  static Result<FunctionCacheKey> KeyOf(const v1::Call& call, std::string_view call_bytes,
                                        std::string_view module_digest,
                                        const TypeRegistry& registry, CoreServices& core,
                                        bool by_content);

  // The result kept in this session for a call (as serialized), or nullopt: the fast path.
  std::optional<std::string> FindInSession(std::string_view call_bytes);

  // The result stored on disk for a persistent key (then kept for the session too), or nullopt.
  // Look in FindInSession first: this reads only the disk. A stored result that fails its
  // checks (see CheckStored) is reported (Warn), removed, and a miss; one of an older host
  // (without the header) is removed and a miss, without a warning.
  std::optional<std::string> FindOnDisk(const FunctionCacheKey& key);

  // Keeps a result. It goes to disk only for a persistent key, when the result holds no core
  // object (their IDs mean something only in this session), no secret's plaintext, and is at
  // most max_result_size bytes. On disk a result is "host call result 2\n", the sha256 of the
  // result in hex and "\n", then the serialized host.v1.Value.
  void Store(const FunctionCacheKey& key, std::string bytes, const TypeRegistry& registry,
             const CoreServices& core);

  // What is wrong with a stored result file: empty when its header is of this format, its digest
  // matches and its bytes are a host.v1.Value. *value receives the value's bytes when given.
  // *old_format, when given, says whether the file predates the header (an older host's).
  static std::string CheckStored(const std::filesystem::path& file, std::string* value = nullptr,
                                 uint64_t max_size = UINT64_MAX, bool* old_format = nullptr);

  // Whether a function last ran faster than kWorthKeeping: such results of persistent functions
  // are neither looked up nor kept, as running them again is cheaper. Lock-free.
  static bool IsCheap(const MemberInfo& function);
  // Records whether a function's last run was cheap.
  static void SetCheap(const MemberInfo& function, bool cheap);

  // How long a persistent function must run for its result to be kept.
  static constexpr std::chrono::microseconds kWorthKeeping{1000};

 private:
  // Writes a result file (checked write, then renamed in); on failure nothing is stored under
  // name and the error says why.
  Status Persist(const std::string& name, std::string_view bytes) const;

  // Hashes a std::string or a std::string_view alike, so that lookups copy no key.
  struct BytesHash {
    using is_transparent = void;
    size_t operator()(std::string_view bytes) const { return std::hash<std::string_view>{}(bytes); }
  };

  std::filesystem::path dir_;
  uint64_t max_result_size_;
  std::mutex mutex_;
  // By the call's bytes.
  std::unordered_map<std::string, std::string, BytesHash, std::equal_to<>> session_;
};

}  // namespace host

#endif  // HOST_ENGINE_FUNCTION_CACHE_H_
