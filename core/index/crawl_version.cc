// ReadVersion (core/index/crawl_parts.h): one module version's catalog entry from its index, the
// source manifest's schema and README, and the signature and yank artifacts beside it.
#include <cstdlib>
#include <optional>

#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "core/index/crawl_parts.h"
#include "core/modules/oci_module.h"
#include "core/modules/signature.h"
#include "core/modules/sshsig.h"
#include "core/modules/trust.h"

namespace host::index {
using nlohmann::json;
namespace mods = host::modules;

namespace {

// The largest documents and blobs read.
constexpr int64_t kMaxManifestBytes = int64_t{4} << 20;
constexpr int64_t kMaxSchemaBytes = int64_t{4} << 20;
constexpr int64_t kMaxReadmeBytes = int64_t{1} << 20;
constexpr int64_t kMaxSignatureBytes = int64_t{64} << 10;
// The most entries read of an index, of a manifest's layers and of a dependency list, the
// longest dependency reference and yank reason kept, and the deepest schema accepted.
constexpr size_t kMaxIndexEntries = 256;
constexpr size_t kMaxLayers = 64;
constexpr size_t kMaxDependencies = 1000;
constexpr size_t kMaxDependencyBytes = 4096;
constexpr size_t kMaxReasonBytes = 1000;
constexpr size_t kMaxSchemaDepth = 64;

// A string member of an object, or "" when object is not one or it is missing or not a string.
std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// An annotation of a descriptor or manifest, or "".
std::string Annotation(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find("annotations");
  return it != object.end() ? Text(*it, key) : std::string();
}

// The array member key of object, or nullptr.
const json* ArrayMember(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? &*it : nullptr;
}

// A descriptor's digest and size, checked against limit.
Result<images::Descriptor> ToDescriptor(const json& object, int64_t limit,
                                        const std::string& what) {
  images::Descriptor out;
  out.media_type = Text(object, "mediaType");
  out.digest = Text(object, "digest");
  auto size = object.is_object() ? object.find("size") : object.end();
  if (!object.is_object() || size == object.end() || !size->is_number_integer()) {
    return Status::Failed(what + " has no size");
  }
  out.size = size->get<int64_t>();
  if (Status s = images::CheckDigest(out.digest); !s.ok()) return s.Prefixed(what + ": ");
  if (out.size < 0 || out.size > limit) {
    return Status::Failed(what + " is " + std::to_string(out.size) + " bytes; at most " +
                          std::to_string(limit) + " are read");
  }
  return out;
}

// A manifest by digest: from the content store, else from the registry (checked against the
// digest and kept in the store).
Result<json> ManifestByDigest(CrawlContext& context, const images::ImageReference& ref,
                              const images::Descriptor& descriptor, const std::string& what) {
  std::string body;
  if (context.store->Has(descriptor.digest)) {
    Result<std::string> stored = context.store->Read(descriptor.digest);
    if (stored.ok()) body = std::move(*stored);
  }
  if (body.empty()) {
    Result<images::FetchedManifest> fetched = context.client->GetManifest(ref, descriptor.digest);
    if (!fetched.ok()) return fetched.status().Prefixed(what + ": ");
    if (Status s = context.store->Put(descriptor.digest, fetched->body); !s.ok()) return s;
    body = std::move(fetched->body);
  }
  json root = json::parse(body, nullptr, false);
  if (!root.is_object()) return Status::Failed(what + " is not a JSON object");
  return root;
}

// A blob's bytes through the content store (fetched once, checked against its digest and size).
Result<std::string> BlobBytes(CrawlContext& context, const images::ImageReference& ref,
                              const images::Descriptor& blob, const std::string& what) {
  Result<std::string> bytes = Status::Failed("not read");
  // Twice: a cached blob that fails its digest check (torn by a crash) is removed by Read and
  // fetched again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (Status s = context.client->FetchBlob(ref, blob, *context.store); !s.ok()) {
      return s.Prefixed(what + ": ");
    }
    bytes = context.store->Read(blob.digest);
    if (bytes.ok()) return bytes;
  }
  return bytes.status().Prefixed(what + ": ");
}

// A layer's bytes: embedded in its descriptor ("data", checked against its digest and size), else
// fetched as a blob through the content store.
Result<std::string> LayerBytes(CrawlContext& context, const images::ImageReference& ref,
                               const json& layer, int64_t limit, const std::string& what) {
  Result<images::Descriptor> blob = ToDescriptor(layer, limit, what);
  if (!blob.ok()) return blob.status();
  const std::string data = Text(layer, "data");
  if (data.empty()) return BlobBytes(context, ref, *blob, what + " " + blob->digest);
  std::optional<std::string> bytes = mods::DecodeBase64(data);
  if (!bytes || bytes->size() != static_cast<uint64_t>(blob->size) ||
      images::DigestOf(*bytes) != blob->digest) {
    return Status::Failed(what + " " + blob->digest +
                          ": the bytes embedded in its descriptor do not match its digest");
  }
  return std::move(*bytes);
}

// The manifest a tag names (signature and yank artifacts), parsed.
Result<json> ManifestByTag(CrawlContext& context, const images::ImageReference& ref,
                           const std::string& tag, const std::string& what) {
  Result<images::FetchedManifest> fetched = context.client->GetManifest(ref, tag);
  if (!fetched.ok()) return fetched.status().Prefixed(what + ": ");
  json root = json::parse(fetched->body, nullptr, false);
  if (!root.is_object()) return Status::Failed(what + " is not a JSON object");
  return root;
}

// "TYPE BASE64" of an OpenSSH key line, or "".
std::string KeyOf(std::string_view line) {
  const size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  const size_t space = line.find_first_of(" \t", start);
  if (space == std::string_view::npos) return {};
  const size_t data = line.find_first_not_of(" \t", space);
  if (data == std::string_view::npos) return {};
  const size_t end = line.find_first_of(" \t", data);
  return std::string(line.substr(start, space - start)) + " " +
         std::string(line.substr(data, end == std::string_view::npos ? end : end - data));
}

// The signature entry: read, parsed, checked against the key inside it, trusted or not.
json ReadSignature(const VersionToRead& version, CrawlContext& context,
                   const images::ImageReference& ref, const std::string& where) {
  json out = {{"state", "unsigned"},
              {"fingerprint", ""},
              {"keyType", ""},
              {"trusted", false},
              {"problem", ""}};
  if (!version.has_signature) return out;
  auto invalid = [&](const std::string& why) {
    out["state"] = "invalid";
    out["problem"] = ValidUtf8(why.substr(0, 1000));
    return out;
  };
  const std::string tag = "sha256-" + images::DigestHex(version.digest) + ".sig";
  Result<json> manifest = ManifestByTag(context, ref, tag, "its signature " + tag);
  if (!manifest.ok()) {
    context.problems->Add(where + ": " + manifest.status().message());
    return invalid(manifest.status().message());
  }
  const json* layers = ArrayMember(*manifest, "layers");
  if (Text(*manifest, "artifactType") != mods::kModuleSignatureArtifactType || layers == nullptr ||
      layers->size() != 1) {
    return invalid("the tag " + tag + " holds no module signature");
  }
  Result<images::Descriptor> blob =
      ToDescriptor((*layers)[0], kMaxSignatureBytes, "the signature " + tag);
  if (!blob.ok()) return invalid(blob.status().message());
  Result<std::string> bytes = BlobBytes(context, ref, *blob, "the signature " + tag);
  if (!bytes.ok()) {
    context.problems->Add(where + ": " + bytes.status().message());
    return invalid(bytes.status().message());
  }
  Result<mods::SshSignature> parsed = mods::ParseSshSignature(*bytes);
  if (!parsed.ok()) return invalid(parsed.status().message());
  out["fingerprint"] = parsed->fingerprint;
  out["keyType"] = ValidUtf8(parsed->key_type);
  if (parsed->sig_namespace != mods::kSignatureNamespace) {
    return invalid("the signature was made for another use (namespace \"" +
                   ValidUtf8(parsed->sig_namespace) + "\", not \"" +
                   std::string(mods::kSignatureNamespace) + "\")");
  }
  Result<std::string> verified = mods::VerifyDigest(version.digest, *bytes, {parsed->public_key});
  if (!verified.ok()) return invalid(verified.status().message());
  out["state"] = "signed";
  const std::string reference = "oci://" + version.registry + "/" + version.repository;
  for (const std::string& line : mods::KeysTrustedFor(reference, context.trusted_keys)) {
    const std::string key = KeyOf(line);
    if (!key.empty() && mods::Fingerprint(key) == parsed->fingerprint) out["trusted"] = true;
  }
  return out;
}

// The yanked entry: null, or {"reason": ...}.
json ReadYank(const VersionToRead& version, CrawlContext& context,
              const images::ImageReference& ref, const std::string& where) {
  if (!version.has_yank) return nullptr;
  const std::string tag = "sha256-" + images::DigestHex(version.digest) + ".yank";
  Result<json> manifest = ManifestByTag(context, ref, tag, "its yank marker " + tag);
  if (!manifest.ok()) {
    context.problems->Add(where + ": " + manifest.status().message());
    return nullptr;
  }
  if (Text(*manifest, "artifactType") != mods::kModuleYankArtifactType) {
    context.problems->Add(where + ": the tag " + tag + " holds no yank marker");
    return nullptr;
  }
  // The tag names the index; a marker that says it is about another one is not believed.
  const std::string about = Annotation(*manifest, mods::kYankDigestAnnotation);
  if (!about.empty() && about != version.digest) {
    context.problems->Add(where + ": the yank marker " + tag + " is about another index (" +
                          ValidUtf8(about.substr(0, 80)) + "); it is ignored");
    return nullptr;
  }
  const std::string yanked = Annotation(*manifest, mods::kYankedAnnotation);
  if (yanked == "false") return nullptr;
  if (yanked != "true") {
    context.problems->Add(where + ": the yank marker " + tag + " says neither true nor false");
    return nullptr;
  }
  std::string reason = Annotation(*manifest, mods::kYankReasonAnnotation);
  if (reason.size() > kMaxReasonBytes) reason = ValidUtf8(reason.substr(0, kMaxReasonBytes));
  return json{{"reason", reason}};
}

// The dependency references of the index's annotation (a JSON array of strings), or [].
json ReadDependencies(const json& index, CrawlContext& context, const std::string& where) {
  const std::string text = Annotation(index, mods::kDependenciesAnnotation);
  if (text.empty()) return json::array();
  json parsed = json::parse(text, nullptr, false);
  bool ok = parsed.is_array() && parsed.size() <= kMaxDependencies;
  for (size_t i = 0; ok && i < parsed.size(); ++i) {
    ok = parsed[i].is_string() &&
         parsed[i].get_ref<const std::string&>().size() <= kMaxDependencyBytes;
  }
  if (!ok) {
    context.problems->Add(where + ": its dependencies annotation is not a JSON array of at most " +
                          std::to_string(kMaxDependencies) + " references");
    return json::array();
  }
  return parsed;
}

// The platforms of the index's binary entries and the host ABI range they need.
void ReadPlatforms(const json& index, CrawlContext& context, const std::string& where,
                   json* platforms, json* host_abi) {
  *platforms = json::array();
  *host_abi = nullptr;
  const json* entries = ArrayMember(index, "manifests");
  if (entries == nullptr) return;
  long min = 0, max = 0;
  for (size_t i = 0; i < entries->size() && i < kMaxIndexEntries; ++i) {
    const json& entry = (*entries)[i];
    if (Annotation(entry, mods::kPartAnnotation) != "binary") continue;
    auto platform = entry.is_object() ? entry.find("platform") : entry.end();
    const std::string abi_text = Annotation(entry, mods::kAbiAnnotation);
    char* end = nullptr;
    const long abi = std::strtol(abi_text.c_str(), &end, 10);
    if (platform == entry.end() || !platform->is_object() || abi_text.empty() ||
        abi_text.size() > 6 || *end != '\0' || abi < 0) {
      context.problems->Add(where + ": a binary entry without a platform or ABI version");
      continue;
    }
    platforms->push_back({{"os", Text(*platform, "os")},
                          {"architecture", Text(*platform, "architecture")},
                          {"abi", abi},
                          {"glibc", Annotation(entry, mods::kGlibcAnnotation)}});
    if (platforms->size() == 1 || abi < min) min = abi;
    if (platforms->size() == 1 || abi > max) max = abi;
  }
  if (!platforms->empty()) *host_abi = {{"min", min}, {"max", max}};
}

}  // namespace

json ReadVersion(const VersionToRead& version, CrawlContext& context) {
  const std::string where = version.registry + "/" + version.repository + ":" + version.tag;
  images::ImageReference ref;
  ref.registry = version.registry;
  ref.repository = version.repository;
  const json& index = version.index;
  std::string created = Annotation(index, "org.opencontainers.image.created");
  if (!IsRfc3339(created)) created.clear();
  json out = {
      {"version", version.version.version},
      {"tag", version.tag},
      {"digest", version.digest},
      {"ref", "oci://" + where + "@" + version.digest},
      {"created", created},
      {"description", Annotation(index, "org.opencontainers.image.description")},
      {"license", Annotation(index, "org.opencontainers.image.licenses")},
      {"source", Annotation(index, "org.opencontainers.image.source")},
      {"revision", Annotation(index, "org.opencontainers.image.revision")},
      {"readme", ""},
      {"schema", nullptr},
      {"dependencies", ReadDependencies(index, context, where)},
  };
  json platforms, host_abi;
  ReadPlatforms(index, context, where, &platforms, &host_abi);
  out["platforms"] = std::move(platforms);
  out["hostAbi"] = std::move(host_abi);

  // The source manifest: the schema and the README, found by media type.
  const json* entries = ArrayMember(index, "manifests");
  const json* source = nullptr;
  for (size_t i = 0; entries != nullptr && i < entries->size() && i < kMaxIndexEntries; ++i) {
    if (Annotation((*entries)[i], mods::kPartAnnotation) == "source") {
      source = &(*entries)[i];
      break;
    }
  }
  if (source == nullptr) {
    context.problems->Add(where + ": its index has no source part");
  } else if (Result<images::Descriptor> child =
                 ToDescriptor(*source, kMaxManifestBytes, "its source manifest");
             !child.ok()) {
    context.problems->Add(where + ": " + child.status().message());
  } else if (Result<json> manifest =
                 ManifestByDigest(context, ref, *child, "its source manifest " + child->digest);
             !manifest.ok()) {
    context.problems->Add(where + ": " + manifest.status().message());
  } else {
    const json* layers = ArrayMember(*manifest, "layers");
    bool schema_seen = false, readme_seen = false;
    for (size_t i = 0; layers != nullptr && i < layers->size() && i < kMaxLayers; ++i) {
      const std::string type = Text((*layers)[i], "mediaType");
      if (type == mods::kModuleSchemaType && !schema_seen) {
        schema_seen = true;
        Result<std::string> bytes =
            LayerBytes(context, ref, (*layers)[i], kMaxSchemaBytes, "its schema");
        if (!bytes.ok()) {
          context.problems->Add(where + ": " + bytes.status().message());
          continue;
        }
        json schema = json::parse(*bytes, nullptr, false);
        if (!schema.is_object()) {
          context.problems->Add(where + ": its schema is not a JSON object");
        } else if (!NestingAtMost(schema, kMaxSchemaDepth)) {
          context.problems->Add(where + ": its schema nests deeper than " +
                                std::to_string(kMaxSchemaDepth) + " levels");
        } else {
          out["schema"] = std::move(schema);
        }
      } else if (type == mods::kModuleReadmeType && !readme_seen) {
        readme_seen = true;
        Result<std::string> bytes =
            LayerBytes(context, ref, (*layers)[i], kMaxReadmeBytes, "its README");
        if (!bytes.ok()) {
          context.problems->Add(where + ": " + bytes.status().message());
          continue;
        }
        out["readme"] = ValidUtf8(*bytes);
      }
    }
  }
  if (const std::string description = Text(out["schema"], "description"); !description.empty()) {
    out["description"] = description;
  }
  out["signature"] = ReadSignature(version, context, ref, where);
  out["yanked"] = ReadYank(version, context, ref, where);
  return out;
}

}  // namespace host::index
