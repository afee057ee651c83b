// Modules fetched from OCI registries as they are stored in the state folder: found and checked
// without the registry client, so a stored module needs no network library at all.
#include "core/modules/oci_module_store.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/images/digest.h"
#include "core/modules/content_hash.h"

namespace host::modules {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The largest shared object a stored module holds.
constexpr uintmax_t kMaxStoredBinaryBytes = uintmax_t{512} << 20;

// A text member of a JSON object, or "".
std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The bytes of a stored file (at most limit), or "" when it cannot be read.
std::string ReadStored(const fs::path& file, uintmax_t limit) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (size > limit || ec) return {};
  // One read of the known size: this runs on every load of a pinned module.
  std::string bytes(static_cast<size_t>(size), '\0');
  std::ifstream in(file, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

// The stored shared object, checked from the pin down: index.json hashes to the pinned digest,
// binary.json to a binary entry of that index, and the object to binary.json's layer. An edited
// or missing file is an error: nothing falls back to a source build in its place.
Result<fs::path> CheckedPrebuilt(const fs::path& stored, const std::string& digest,
                                 const std::string& shown) {
  std::error_code ec;
  if (!fs::exists(stored / "binary.json", ec)) return fs::path();  // none matched this host
  const std::string fix =
      "; remove " + stored.string() + " and run again to fetch " + shown + " anew";
  const std::string index = ReadStored(stored / "index.json", 4 << 20);
  const std::string binary = ReadStored(stored / "binary.json", 4 << 20);
  std::string object_digest;
  if (images::DigestOf(index) == digest) {
    json root = json::parse(index, nullptr, false);
    json manifest = json::parse(binary, nullptr, false);
    bool listed = false;
    if (root.is_object() && root["manifests"].is_array()) {
      for (const json& entry : root["manifests"]) {
        listed = listed || (entry.is_object() && Text(entry, "digest") == images::DigestOf(binary));
      }
    }
    if (listed && manifest.is_object() && manifest["layers"].is_array() &&
        manifest["layers"].size() == 1 && manifest["layers"][0].is_object()) {
      object_digest = Text(manifest["layers"][0], "digest");
    }
  }
  if (object_digest.empty()) {
    return Status::Failed("the stored module " + shown + " (" + digest + ") was changed on disk: " +
                          "its index or binary manifest no longer matches the pin" + fix);
  }
  fs::path object;
  for (const auto& entry : fs::directory_iterator(stored / "prebuilt", ec)) object = entry.path();
  const std::string actual =
      object.empty() ? "nothing" : images::DigestOf(ReadStored(object, kMaxStoredBinaryBytes));
  if (actual != object_digest) {
    return Status::Failed("the stored module " + shown + " (" + digest +
                          ") was changed on disk: its shared object " +
                          (object.empty() ? (stored / "prebuilt").string() : object.string()) +
                          " hashes to " + actual + ", not " + object_digest + fix);
  }
  return object;
}

}  // namespace

// Where a tag's resolution is remembered.
fs::path OciTagMemory(const fs::path& oci_dir, const OciModuleRef& ref) {
  const std::string key = ref.registry + "/" + ref.repository + ":" + ref.tag;
  return oci_dir / "tags" / images::DigestHex(images::DigestOf(key));
}

// The remembered digest of ref's tag, or "".
std::string RememberedOciDigest(const fs::path& file) {
  std::error_code ec;
  if (fs::file_size(file, ec) > 200 || ec) return {};
  std::FILE* in = std::fopen(file.c_str(), "r");
  if (in == nullptr) return {};
  char buffer[256] = {0};
  const size_t got = std::fread(buffer, 1, sizeof(buffer) - 1, in);
  std::fclose(in);
  std::string digest(buffer, got);
  digest = digest.substr(0, digest.find('\n'));
  return images::IsSha256Digest(digest) ? digest : std::string();
}

Result<FetchedModule> StoredOciModule(const fs::path& stored, const std::string& digest,
                                      const std::string& resolved, const std::string& shown) {
  FetchedModule module;
  module.dir = stored / "source";
  module.pin = digest;
  module.resolved = resolved;
  Result<std::string> hash = ContentHash(module.dir);
  if (!hash.ok()) return hash.status();
  module.hash = *hash;
  Result<fs::path> prebuilt = CheckedPrebuilt(stored, digest, shown);
  if (!prebuilt.ok()) return prebuilt.status();
  module.prebuilt = *prebuilt;
  return module;
}

Result<std::optional<FetchedModule>> FindStoredOciModule(const OciModuleRef& ref,
                                                         const FetchOptions& options,
                                                         std::string_view pinned_digest) {
  const fs::path oci_dir = options.state_dir / "modules" / "oci";
  std::string digest = !ref.digest.empty() ? ref.digest : std::string(pinned_digest);
  if (digest.empty() && !ref.tag.empty() && !options.refresh) {
    digest = RememberedOciDigest(OciTagMemory(oci_dir, ref));
  }
  if (digest.empty() || !images::IsSha256Digest(digest)) return std::optional<FetchedModule>();
  const fs::path stored = oci_dir / images::DigestHex(digest);
  std::error_code ec;
  if (!fs::is_directory(stored / "source", ec)) return std::optional<FetchedModule>();
  const std::string shown = "oci://" + ref.registry + "/" + ref.repository +
                            (ref.digest.empty() ? ":" + ref.tag : "@" + ref.digest);
  Result<FetchedModule> module =
      StoredOciModule(stored, digest, ref.tag.empty() ? digest : ref.tag, shown);
  if (!module.ok()) return module.status();
  return std::optional<FetchedModule>(std::move(*module));
}

}  // namespace host::modules
