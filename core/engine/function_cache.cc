#include "core/engine/function_cache.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/base/store_size_index.h"
#include "core/base/warning.h"
#include "core/types/core_module.h"
#include "registry/call_digest.h"
#include "registry/type_registry.h"

namespace host {
namespace fs = std::filesystem;

namespace {

// The first line of a stored result; files without it (older hosts) are misses.
constexpr std::string_view kStoredFormat = "host call result 2\n";
// The header's size: the format line, 64 hex digits and a newline.
constexpr size_t kHeaderSize = kStoredFormat.size() + 64 + 1;

// Whether an object value is one of the core module's objects.
bool IsCoreObject(const v1::ObjectValue& object, const TypeRegistry& registry) {
  const ObjectInfo* info = registry.FindObject(object.type_name());
  return info != nullptr && info->module->def.name() == "core";
}

// Rewrites a value so that it names its content rather than this session's objects. Returns
// false when some part (a container) can be known by content only by running it.
bool ToContent(v1::Value* value, const TypeRegistry& registry, CoreServices& core) {
  switch (value->kind_case()) {
    case v1::Value::kListValue:
      for (auto& item : *value->mutable_list_value()->mutable_items()) {
        if (!ToContent(&item, registry, core)) return false;
      }
      return true;
    case v1::Value::kObjectValue:
      break;
    default:
      return true;
  }
  v1::ObjectValue* object = value->mutable_object_value();
  if (!IsCoreObject(*object, registry)) {  // a module object: what it holds, not how it was made
    object->clear_id();
    for (auto& field : *object->mutable_fields()) {
      if (!ToContent(field.mutable_value(), registry, core)) return false;
    }
    return true;
  }
  const std::string& type = object->type_name();
  if (type == "Directory") {
    Result<Snapshot> dir = core.evaluator().Directory(object->id());
    if (!dir.ok()) return false;
    object->set_id(dir->digest);
  } else if (type == "File") {
    Result<std::string> digest = core.evaluator().FileDigestOf(object->id());
    if (!digest.ok()) return false;
    object->set_id(*digest);
  } else if (type == "Container") {
    return false;
  }
  // Secrets (a keyed hash of name and plaintext), cache volumes (by key), the query and the
  // host are already named by what they are.
  return true;
}

// Whether a result may outlive the session: no core object and no secret's plaintext.
bool Portable(const v1::Value& value, const TypeRegistry& registry, const SecretStore& secrets) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return secrets.Redact(value.string_value()) == value.string_value();
    case v1::Value::kListValue:
      return std::all_of(value.list_value().items().begin(), value.list_value().items().end(),
                         [&](const v1::Value& v) { return Portable(v, registry, secrets); });
    case v1::Value::kObjectValue:
      if (IsCoreObject(value.object_value(), registry)) return false;
      return std::all_of(
          value.object_value().fields().begin(), value.object_value().fields().end(),
          [&](const v1::NamedValue& f) { return Portable(f.value(), registry, secrets); });
    default:
      return true;
  }
}

}  // namespace

Result<FunctionCacheKey> FunctionCache::KeyOf(const v1::Call& call, std::string_view call_bytes,
                                              std::string_view module_digest,
                                              const TypeRegistry& registry, CoreServices& core,
                                              bool by_content) {
  FunctionCacheKey key;
  key.session = std::string(call_bytes);
  if (!by_content) return key;

  v1::Value receiver;
  *receiver.mutable_object_value() = call.receiver();
  if (!ToContent(&receiver, registry, core)) return key;
  std::vector<std::pair<std::string, std::string>> args;
  for (const auto& a : call.args()) {
    v1::Value value = a.value();
    if (!ToContent(&value, registry, core)) return key;
    args.emplace_back(a.name(), CanonicalBytes(value));
  }
  std::sort(args.begin(), args.end());
  Sha256 content;
  content.UpdateField(module_digest);
  content.UpdateField(call.object());
  content.UpdateField(call.function());
  content.UpdateField(CanonicalBytes(receiver));
  for (const auto& [name, bytes] : args) {
    content.UpdateField(name);
    content.UpdateField(bytes);
  }
  key.persistent = content.HexDigest();
  return key;
}

std::optional<std::string> FunctionCache::FindInSession(std::string_view call_bytes) {
  std::lock_guard lock(mutex_);
  auto found = session_.find(call_bytes);
  if (found == session_.end()) return std::nullopt;
  return found->second;
}

std::string FunctionCache::CheckStored(const fs::path& file, std::string* value, uint64_t max_size,
                                       bool* old_format) {
  if (old_format != nullptr) *old_format = false;
  std::error_code ec;
  const uint64_t size = fs::file_size(file, ec);
  if (ec) return "cannot be read: " + ec.message();
  if (size < kHeaderSize) {
    if (old_format != nullptr) *old_format = true;
    return "is too short to be a stored result of this format (stored by an older host?)";
  }
  if (size - kHeaderSize > max_size) {
    return "holds " + std::to_string(size - kHeaderSize) + " bytes, more than max_result_size";
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size) return "cannot be read";
  if (bytes.compare(0, kStoredFormat.size(), kStoredFormat) != 0) {
    if (old_format != nullptr) *old_format = true;
    return "is not of the format \"" + std::string(kStoredFormat.substr(0, 18)) +
           "\" (stored by an older host, or damaged)";
  }
  const std::string_view recorded =
      std::string_view(bytes).substr(kStoredFormat.size(), kHeaderSize - kStoredFormat.size());
  const std::string_view body = std::string_view(bytes).substr(kHeaderSize);
  if (recorded.back() != '\n' || recorded.substr(0, 64) != Sha256Hex(body)) {
    return "does not match its recorded digest";
  }
  v1::Value parsed;
  if (!parsed.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return "is not a host.v1.Value";
  }
  if (value != nullptr) *value = std::string(body);
  return {};
}

std::optional<std::string> FunctionCache::FindOnDisk(const FunctionCacheKey& key) {
  if (key.persistent.empty()) return std::nullopt;
  const fs::path file = dir_ / key.persistent;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::string bytes;
  bool old_format = false;
  if (std::string problem = CheckStored(file, &bytes, max_result_size_, &old_format);
      !problem.empty()) {
    if (!old_format)
      Warn("the stored result " + file.string() + " " + problem +
           "; removed it, the function runs again");
    RemoveBestEffort(file);  // one that stays is found damaged again and run again
    return std::nullopt;
  }
  fs::last_write_time(file, fs::file_time_type::clock::now(), ec);  // recently used
  std::lock_guard lock(mutex_);
  session_.emplace(key.session, bytes);
  return bytes;
}

void FunctionCache::Store(const FunctionCacheKey& key, std::string bytes,
                          const TypeRegistry& registry, const CoreServices& core) {
  if (bytes.size() > max_result_size_) return;  // the call fails: nothing of it is kept
  bool persist = !key.persistent.empty();
  if (persist) {
    v1::Value value;
    persist = value.ParseFromString(bytes) && Portable(value, registry, core.secrets());
  }
  if (persist) {
    // A result that cannot be kept on disk (full or read-only state folder) is kept in memory,
    // and nothing is stored under its key: the call still returns it, and a warning says why the
    // next process runs it again.
    if (Status s = Persist(key.persistent, bytes); !s.ok()) {
      static std::atomic<bool> warned{false};
      if (!warned.exchange(true)) Warn(s.message() + "; the result is kept for this run only");
    }
  }
  std::lock_guard lock(mutex_);
  session_.insert_or_assign(key.session, std::move(bytes));
}

Status FunctionCache::Persist(const std::string& name, std::string_view bytes) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    return Status::Failed("cannot store a function result in " + dir_.string() + ": " +
                          WriteErrorText(ec.value()));
  }
  const fs::path tmp = dir_ / (name + ".tmp" + std::to_string(getpid()));
  std::string stored = std::string(kStoredFormat) + Sha256Hex(bytes) + "\n";
  stored.append(bytes);
  if (Status s = WriteWholeFile(tmp, stored); !s.ok()) {
    return s.Prefixed("cannot store a function result: ");
  }
  fs::rename(tmp, dir_ / name, ec);
  if (ec) {
    RemoveBestEffort(tmp);
    return Status::Failed("cannot store a function result in " + (dir_ / name).string() + ": " +
                          WriteErrorText(ec.value()));
  }
  RecordStoreEntry(dir_.parent_path(), "calls", FileDiskBytes(dir_ / name));
  return {};
}

bool FunctionCache::IsCheap(const MemberInfo& function) {
  return std::atomic_ref<bool>(function.ran_cheaply).load(std::memory_order_relaxed);
}

void FunctionCache::SetCheap(const MemberInfo& function, bool cheap) {
  std::atomic_ref<bool>(function.ran_cheaply).store(cheap, std::memory_order_relaxed);
}

}  // namespace host
