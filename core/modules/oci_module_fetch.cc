// FetchOciModule (core/modules/oci_module.h): tag to digest, digest to a stored folder.
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/images/content_store.h"
#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "core/modules/content_hash.h"
#include "core/modules/module_archive.h"
#include "core/modules/oci_module.h"
#include "core/modules/oci_module_parts.h"
#include "core/modules/oci_module_store.h"
#include "host/abi.h"

namespace host::modules {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The largest blobs of a module artifact fetched.
constexpr int64_t kMaxSourceBytes = int64_t{256} << 20;
constexpr int64_t kMaxSchemaBytes = int64_t{16} << 20;
constexpr int64_t kMaxBinaryBytes = int64_t{512} << 20;

// A descriptor's digest and size, checked.
Result<images::Descriptor> ToDescriptor(const json& object, int64_t limit,
                                        const std::string& what) {
  images::Descriptor out;
  out.media_type = JsonText(object, "mediaType");
  out.digest = JsonText(object, "digest");
  auto size = object.find("size");
  if (size == object.end() || !size->is_number_integer()) {
    return Status::Failed(what + " has no size");
  }
  out.size = size->get<int64_t>();
  if (Status s = images::CheckDigest(out.digest); !s.ok()) return s.Prefixed(what + ": ");
  if (out.size < 0 || out.size > limit) {
    return Status::Failed(what + " is " + std::to_string(out.size) + " bytes; at most " +
                          std::to_string(limit) + " are accepted");
  }
  return out;
}

// The JSON object of a manifest the registry served, or an error.
Result<json> ParseObject(const std::string& body, const std::string& what) {
  json root = json::parse(body, nullptr, false);
  if (!root.is_object()) return Status::Failed(what + " is not a JSON object");
  return root;
}

// Writes a file by temp + rename, so that readers see the old or the new one whole.
Status ReplaceFile(const fs::path& file, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  const fs::path temp = file.string() + ".tmp-" + RandomHex(12);
  if (Status s = CreateWholeFile(temp, bytes); !s.ok()) return s;
  fs::rename(temp, file, ec);
  if (ec) {
    RemoveBestEffort(temp);
    return Status::Failed("cannot store " + file.string() + ": " + ec.message());
  }
  return {};
}

// A file name for the shared object from the artifact's annotation (untrusted): its last part
// when it is a plain name, else "module.so".
std::string ObjectFileName(const std::string& annotation) {
  const std::string name = fs::path(annotation).filename().string();
  if (name.empty() || name == "." || name == ".." || name.front() == '.') return "module.so";
  return name;
}

// Downloads and unpacks the artifact with index_digest into stage.
Status FetchInto(images::RegistryClient& client, const images::ImageReference& ref,
                 const std::string& index_digest, const fs::path& state_dir,
                 const fs::path& stage) {
  images::ContentStore store(state_dir);
  Result<images::FetchedManifest> index = client.GetManifest(ref, index_digest);
  if (!index.ok()) return index.status();
  const std::string where = ref.registry + "/" + ref.repository + "@" + index_digest;
  Result<json> root = ParseObject(index->body, "the index " + where);
  if (!root.ok()) return root.status();
  if (JsonText(*root, "mediaType") != images::kOciIndexType ||
      JsonText(*root, "artifactType") != kModuleArtifactType || !(*root)["manifests"].is_array()) {
    return Status::Failed(where + " is not a host module (an OCI index with artifactType " +
                          kModuleArtifactType + "); publish it with `host publish`");
  }
  const json* source_entry = nullptr;
  const json* binary_entry = nullptr;
  for (const json& entry : (*root)["manifests"]) {
    if (!entry.is_object()) continue;
    const std::string part = JsonAnnotation(entry, kPartAnnotation);
    if (part == "source" && source_entry == nullptr) source_entry = &entry;
    if (part != "binary" || binary_entry != nullptr) continue;
    auto platform = entry.find("platform");
    if (platform == entry.end() || !platform->is_object() || JsonText(*platform, "os") != "linux" ||
        JsonText(*platform, "architecture") != HostArchitecture()) {
      continue;
    }
    if (JsonAnnotation(entry, kAbiAnnotation) != std::to_string(HOST_ABI_VERSION) ||
        !GlibcAtLeast(HostGlibcVersion(), JsonAnnotation(entry, kGlibcAnnotation))) {
      continue;  // built for another ABI or a newer glibc: the source is built instead
    }
    binary_entry = &entry;
  }
  if (source_entry == nullptr) return Status::Failed(where + " has no source part");

  // The source: the files and the schema.
  Result<images::Descriptor> source_child =
      ToDescriptor(*source_entry, 4 << 20, "the source manifest of " + where);
  if (!source_child.ok()) return source_child.status();
  Result<images::FetchedManifest> source_manifest = client.GetManifest(ref, source_child->digest);
  if (!source_manifest.ok()) return source_manifest.status();
  Result<json> source_json = ParseObject(source_manifest->body, "the source manifest of " + where);
  if (!source_json.ok()) return source_json.status();
  std::optional<images::Descriptor> files, schema;
  if (auto layers = source_json->find("layers");
      layers != source_json->end() && layers->is_array()) {
    for (const json& layer : *layers) {
      if (!layer.is_object()) continue;
      const std::string type = JsonText(layer, "mediaType");
      if (type == kModuleSourceType && !files) {
        Result<images::Descriptor> d =
            ToDescriptor(layer, kMaxSourceBytes, "the source of " + where);
        if (!d.ok()) return d.status();
        files = *d;
      } else if (type == kModuleSchemaType && !schema) {
        Result<images::Descriptor> d =
            ToDescriptor(layer, kMaxSchemaBytes, "the schema of " + where);
        if (!d.ok()) return d.status();
        schema = *d;
      }
    }
  }
  if (!files) return Status::Failed(where + " has no source archive (" + kModuleSourceType + ")");
  for (const auto* blob : {&*files, schema ? &*schema : nullptr}) {
    if (blob == nullptr) continue;
    if (Status s = client.FetchBlob(ref, *blob, store); !s.ok()) return s;
  }
  if (Status s = UnpackModuleSource(store.Path(files->digest), stage / "source"); !s.ok()) {
    return s.Prefixed(where + ": ");
  }
  std::error_code ec;
  if (!fs::is_regular_file(stage / "source" / "module.json", ec)) {
    return Status::Failed(where + ": the source has no module.json at its top");
  }
  if (schema) {
    Result<std::string> bytes = store.Read(schema->digest);
    if (!bytes.ok()) return bytes.status();
    if (Status s = CreateWholeFile(stage / "schema.json", *bytes); !s.ok()) return s;
  }
  if (Status s = CreateWholeFile(stage / "index.json", index->body); !s.ok()) return s;

  // The platform's shared object, when one matches.
  if (binary_entry == nullptr) return {};
  Result<images::Descriptor> binary_child =
      ToDescriptor(*binary_entry, 4 << 20, "the binary manifest of " + where);
  if (!binary_child.ok()) return binary_child.status();
  Result<images::FetchedManifest> binary_manifest = client.GetManifest(ref, binary_child->digest);
  if (!binary_manifest.ok()) return binary_manifest.status();
  Result<json> binary_json = ParseObject(binary_manifest->body, "the binary manifest of " + where);
  if (!binary_json.ok()) return binary_json.status();
  auto layers = binary_json->find("layers");
  if (layers == binary_json->end() || !layers->is_array() || layers->size() != 1 ||
      !(*layers)[0].is_object() || JsonText((*layers)[0], "mediaType") != kModuleBinaryType) {
    return Status::Failed("the binary manifest " + binary_child->digest + " of " + where +
                          " does not hold one shared object");
  }
  Result<images::Descriptor> object =
      ToDescriptor((*layers)[0], kMaxBinaryBytes, "the shared object of " + where);
  if (!object.ok()) return object.status();
  if (Status s = client.FetchBlob(ref, *object, store); !s.ok()) return s;
  if (Status s = CreateWholeFile(stage / "binary.json", binary_manifest->body); !s.ok()) return s;
  const fs::path target =
      stage / "prebuilt" / ObjectFileName(JsonAnnotation(*binary_entry, kObjectAnnotation));
  fs::create_directories(target.parent_path(), ec);
  fs::copy_file(store.Path(object->digest), target, ec);
  if (!ec) fs::permissions(target, fs::perms(0755), ec);
  if (ec) return Status::Failed("cannot store " + target.string() + ": " + ec.message());
  return {};
}

}  // namespace

Result<FetchedModule> FetchOciModule(const OciModuleRef& ref, const FetchOptions& options,
                                     images::RegistryClient& client,
                                     std::string_view pinned_digest) {
  const std::string shown =
      "oci://" + OciRepositoryName(ref) + (ref.digest.empty() ? ":" + ref.tag : "@" + ref.digest);
  const fs::path oci_dir = options.state_dir / "modules" / "oci";
  std::string digest = !ref.digest.empty() ? ref.digest : std::string(pinned_digest);
  const std::string resolved = ref.tag.empty() ? digest : ref.tag;
  if (digest.empty()) {
    if (ref.tag.empty()) return Status::Usage(shown + " names neither a tag nor a digest");
    const fs::path memory = OciTagMemory(oci_dir, ref);
    if (!options.refresh) digest = RememberedOciDigest(memory);
    if (digest.empty()) {
      if (options.offline) {
        return Status::Failed(shown + " was never resolved here and the network may not be used " +
                              "(--locked or offline); run it once online, or pin it in the lock " +
                              "file with `host install`");
      }
      Result<images::FetchedManifest> index = client.GetManifest(ToImageReference(ref), ref.tag);
      if (!index.ok()) return index.status().Prefixed("resolving " + shown + ": ");
      digest = index->digest;
      if (Status s = ReplaceFile(memory, digest + "\n"); !s.ok()) return s;
    }
  }
  if (Status s = images::CheckDigest(digest); !s.ok()) return s.Prefixed(shown + ": ");
  const fs::path stored = oci_dir / images::DigestHex(digest);
  std::error_code ec;
  if (fs::is_directory(stored / "source", ec)) {
    return StoredOciModule(stored, digest, resolved, shown);
  }
  if (options.offline) {
    return Status::Failed(shown + " (" + digest + ") is not stored here and the network may not " +
                          "be used (--locked or offline); run it once online to fetch it");
  }
  fs::create_directories(oci_dir, ec);
  const fs::path stage = oci_dir / (".tmp-" + RandomHex(16));
  if (!fs::create_directory(stage, ec) || ec) {
    return Status::Failed("cannot create " + stage.string() + ": " + ec.message());
  }
  images::ImageReference image = ToImageReference(ref);
  if (Status s = FetchInto(client, image, digest, options.state_dir, stage); !s.ok()) {
    RemoveTreeBestEffort(stage);
    return s.Prefixed("fetching " + shown + ": ");
  }
  fs::rename(stage, stored, ec);
  if (ec) {
    RemoveTreeBestEffort(stage);  // another process stored it first: its copy is as good
    if (!fs::is_directory(stored / "source")) {
      return Status::Failed("cannot store " + stored.string() + ": " + ec.message());
    }
  }
  return StoredOciModule(stored, digest, resolved, shown);
}

}  // namespace host::modules
