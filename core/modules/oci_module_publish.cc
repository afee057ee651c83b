// PublishModule, PushSignature, PushYank, YankModule and FetchSignature
// (core/modules/oci_module.h).
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/base/subprocess.h"
#include "core/base/time_text.h"
#include "core/images/content_store.h"
#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "core/modules/module_archive.h"
#include "core/modules/oci_module.h"
#include "core/modules/oci_module_parts.h"
#include "core/modules/signature.h"
#include "host/abi.h"
#include "registry/manifest.h"

namespace host::modules {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The largest shared object and signature published or fetched.
constexpr uint64_t kMaxBinaryBytes = uint64_t{512} << 20;
constexpr int64_t kMaxSignatureBytes = 64 << 10;
// The largest README published (the index site shows it whole).
constexpr uint64_t kMaxReadmeBytes = uint64_t{1} << 20;
// The largest schema or README embedded in the source manifest's descriptor.
constexpr size_t kMaxEmbeddedBytes = size_t{256} << 10;
// The largest yank reason stored.
constexpr size_t kMaxYankReasonBytes = 1000;

// Standard base64 with padding, as descriptors' "data" holds it.
std::string EncodeBase64Padded(std::string_view bytes) {
  std::string out = EncodeBase64(bytes);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

// A blob to push: its bytes and descriptor.
struct Blob {
  std::string bytes;
  std::string media_type;
  std::string digest;

  json Descriptor(const std::map<std::string, std::string>& annotations = {}) const {
    json out = {{"mediaType", media_type}, {"digest", digest}, {"size", bytes.size()}};
    if (!annotations.empty()) out["annotations"] = annotations;
    return out;
  }
};

Blob MakeBlob(std::string bytes, std::string media_type) {
  Blob blob;
  blob.digest = images::DigestOf(bytes);
  blob.bytes = std::move(bytes);
  blob.media_type = std::move(media_type);
  return blob;
}

// descriptor with blob's bytes embedded as its "data" (OCI image-spec 1.1) when they are at most
// kMaxEmbeddedBytes, so that readers of the manifest (the module index) need not fetch the blob;
// the blob is pushed all the same.
json Embedded(const Blob& blob, json descriptor) {
  if (blob.bytes.size() <= kMaxEmbeddedBytes) descriptor["data"] = EncodeBase64Padded(blob.bytes);
  return descriptor;
}

// An OCI image manifest with the empty config, the given layers and annotations.
Blob MakeManifest(const std::string& artifact_type, const Blob& empty, const json& layers,
                  const std::map<std::string, std::string>& annotations) {
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", images::kOciManifestType},
                   {"artifactType", artifact_type},
                   {"config", empty.Descriptor()},
                   {"layers", layers}};
  if (!annotations.empty()) manifest["annotations"] = annotations;
  return MakeBlob(manifest.dump(), images::kOciManifestType);
}

// Runs git in dir; its trimmed stdout, or an error.
Result<std::string> Git(const fs::path& dir, std::vector<std::string> args) {
  SubprocessSpec spec;
  spec.argv = {"git", "-C", dir.string()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdio = {ChildStream::Null(), ChildStream::Pipe(), ChildStream::Pipe()};
  Result<SubprocessOutput> run = RunSubprocess(spec);
  if (!run.ok()) return run.status();
  if (!run->exit.success()) return Status::Failed(run->err);
  std::string out = run->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// A remote URL without user information (a token in "https://user:token@host/..." is dropped).
std::string WithoutCredentials(std::string url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  const size_t slash = url.find('/', scheme + 3);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    url.erase(scheme + 3, at - (scheme + 3) + 1);
  }
  return url;
}

// What git says about the module folder: its commit and remote, and whether it is clean.
struct GitFacts {
  bool in_work_tree = false;
  std::string revision;
  std::string source;
  std::string changes;  // `git status --porcelain` under the folder; empty when clean
};

Result<GitFacts> ReadGitFacts(const fs::path& dir) {
  GitFacts facts;
  Result<std::string> inside = Git(dir, {"rev-parse", "--is-inside-work-tree"});
  if (!inside.ok() || *inside != "true") return facts;
  facts.in_work_tree = true;
  if (Result<std::string> head = Git(dir, {"rev-parse", "HEAD"}); head.ok()) {
    facts.revision = *head;
  }
  if (Result<std::string> origin = Git(dir, {"remote", "get-url", "origin"}); origin.ok()) {
    facts.source = WithoutCredentials(*origin);
  }
  Result<std::string> status = Git(dir, {"status", "--porcelain", "--", "."});
  if (!status.ok()) {
    return status.status().Prefixed("git status in " + dir.string() + " failed: ");
  }
  facts.changes = *status;
  return facts;
}

// The whole file, or an error naming it.
Result<std::string> ReadWhole(const fs::path& file, uint64_t limit) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (ec) return Status::Failed("cannot read " + file.string() + ": " + ec.message());
  if (size > limit) {
    return Status::Failed(file.string() + " is larger than " + std::to_string(limit) + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return Status::Failed("cannot read " + file.string());
  return bytes;
}

// The module's README in dir (README.md, else README, else readme.md), or "" when it has none; a
// README over kMaxReadmeBytes is an error.
Result<std::string> ReadReadme(const fs::path& dir) {
  for (const char* name : {"README.md", "README", "readme.md"}) {
    std::error_code ec;
    const fs::path file = dir / name;
    if (!fs::is_regular_file(file, ec)) continue;
    Result<std::string> bytes = ReadWhole(file, kMaxReadmeBytes);
    if (!bytes.ok()) {
      return bytes.status().Prefixed("the README is published for the module index and must be " +
                                     std::string("at most 1 MiB; shorten it: "));
    }
    return bytes;
  }
  return std::string();
}

// The dependency references of module.json as written (each one's source, else its name), as a
// JSON array text; "" when it has none.
Result<std::string> DependenciesText(const fs::path& dir) {
  Result<Manifest> manifest = LoadManifest(dir / "module.json");
  if (!manifest.ok()) return manifest.status();
  if (manifest->dependencies.empty()) return std::string();
  json references = json::array();
  for (const Dependency& dependency : manifest->dependencies) {
    references.push_back(dependency.source);
  }
  return references.dump();
}

// The digest of the source part of a published index, or "".
std::string SourceDigestOf(const std::string& index_body) {
  json index = json::parse(index_body, nullptr, false);
  if (!index.is_object() || !index["manifests"].is_array()) return {};
  for (const json& entry : index["manifests"]) {
    if (JsonAnnotation(entry, kPartAnnotation) == "source") return JsonText(entry, "digest");
  }
  return {};
}

}  // namespace

Result<std::string> PublishModule(const PublishRequest& request, images::RegistryClient& client) {
  const OciModuleRef& target = request.target;
  const std::string name = "oci://" + OciRepositoryName(target) + ":" + target.tag;
  if (target.tag.empty() || !target.digest.empty()) {
    return Status::Usage("publish needs a version tag and no digest: oci://" +
                         OciRepositoryName(target) + ":VERSION");
  }
  const fs::path dir = request.module_dir;
  std::error_code ec;
  if (!fs::is_regular_file(dir / "module.json", ec)) {
    return Status::Usage(dir.string() + " has no module.json; run publish in a module folder " +
                         "or pass -m DIR");
  }
  Result<GitFacts> git = ReadGitFacts(dir);
  if (!git.ok()) return git.status();
  if (!git->changes.empty() && !request.allow_dirty) {
    return Status::Usage(dir.string() + " has uncommitted changes:\n" + git->changes +
                         "\ncommit them, or pass --allow-dirty to publish " + name + " as it is");
  }

  Result<std::vector<std::string>> files = ModuleSourceFiles(dir);
  if (!files.ok()) return files.status();
  Result<std::string> tarball = PackModuleSource(dir, *files);
  if (!tarball.ok()) return tarball.status();

  const Blob empty = MakeBlob("{}", kEmptyConfigType);
  const Blob source = MakeBlob(std::move(*tarball), kModuleSourceType);
  const Blob schema = MakeBlob(request.schema_json, kModuleSchemaType);
  Result<std::string> readme_text = ReadReadme(dir);
  if (!readme_text.ok()) return readme_text.status().Prefixed("publishing " + name + ": ");
  Result<std::string> dependencies = DependenciesText(dir);
  if (!dependencies.ok()) return dependencies.status().Prefixed("publishing " + name + ": ");
  json source_layers = json::array(
      {source.Descriptor({{"org.opencontainers.image.title", "source"}}),
       Embedded(schema, schema.Descriptor({{"org.opencontainers.image.title", "schema.json"}}))});
  std::vector<Blob> blobs = {empty, source, schema};
  if (!readme_text->empty()) {
    const Blob readme = MakeBlob(std::move(*readme_text), kModuleReadmeType);
    source_layers.push_back(
        Embedded(readme, readme.Descriptor({{"org.opencontainers.image.title", "README.md"}})));
    blobs.push_back(readme);
  }
  const Blob source_manifest =
      MakeManifest(kModuleArtifactType, empty, source_layers, {{kPartAnnotation, "source"}});
  std::vector<Blob> children = {source_manifest};
  json manifests = json::array({source_manifest.Descriptor({{kPartAnnotation, "source"}})});
  if (!request.prebuilt.empty()) {
    Result<std::string> object = ReadWhole(request.prebuilt, kMaxBinaryBytes);
    if (!object.ok()) return object.status();
    const Blob binary = MakeBlob(std::move(*object), kModuleBinaryType);
    const std::map<std::string, std::string> facts = {
        {kPartAnnotation, "binary"},
        {kAbiAnnotation, std::to_string(HOST_ABI_VERSION)},
        {kGlibcAnnotation, HostGlibcVersion()},
        {kObjectAnnotation,
         request.object.empty() ? request.prebuilt.filename().string() : request.object}};
    const Blob platform_manifest = MakeManifest(
        kModuleArtifactType, empty,
        json::array({binary.Descriptor(
            {{"org.opencontainers.image.title", request.prebuilt.filename().string()}})}),
        facts);
    json descriptor = platform_manifest.Descriptor(facts);
    descriptor["platform"] = {{"os", "linux"}, {"architecture", HostArchitecture()}};
    manifests.push_back(descriptor);
    blobs.push_back(binary);
    children.push_back(platform_manifest);
  }
  std::map<std::string, std::string> annotations = {
      {"org.opencontainers.image.version", target.tag}};
  if (!git->source.empty()) annotations["org.opencontainers.image.source"] = git->source;
  if (!git->revision.empty()) annotations["org.opencontainers.image.revision"] = git->revision;
  if (!request.licenses.empty()) {
    annotations["org.opencontainers.image.licenses"] = request.licenses;
  }
  annotations["org.opencontainers.image.created"] = Rfc3339Utc();
  const json schema_root = json::parse(request.schema_json, nullptr, false);
  if (const std::string description = JsonText(schema_root, "description"); !description.empty()) {
    annotations["org.opencontainers.image.description"] = description;
  }
  if (!dependencies->empty()) annotations[kDependenciesAnnotation] = *dependencies;
  json index_json = {{"schemaVersion", 2},
                     {"mediaType", images::kOciIndexType},
                     {"artifactType", kModuleArtifactType},
                     {"manifests", manifests},
                     {"annotations", annotations}};
  const Blob index = MakeBlob(index_json.dump(), images::kOciIndexType);
  const std::string published = OciRepositoryName(target) + ":" + target.tag + "@" + index.digest;

  const images::ImageReference ref = ToImageReference(target);
  Result<images::FetchedManifest> existing = client.GetManifest(ref, target.tag);
  if (existing.ok()) {
    if (existing->digest == index.digest) return published;  // the same content: nothing to do
    // The same files and schema, with another build of the binary or another commit of
    // unrelated files: already published, so nothing is pushed and the tag keeps its index
    // (--force replaces it, to add a platform's binary for instance).
    if (!request.force && SourceDigestOf(existing->body) == source_manifest.digest) {
      return OciRepositoryName(target) + ":" + target.tag + "@" + existing->digest;
    }
    if (!request.force) {
      return Status::Usage(name + " already holds " + existing->digest + ", not the " +
                           index.digest + " being published; publish a new version, or pass " +
                           "--force to move the tag");
    }
  } else if (!IsNotFound(existing.status())) {
    return existing.status().Prefixed("publishing " + name + ": ");
  }
  for (const Blob& blob : blobs) {
    if (Status s = client.PushBlob(ref, blob.digest, blob.bytes); !s.ok()) {
      return s.Prefixed("publishing " + name + ": ");
    }
  }
  for (const Blob& child : children) {
    Result<std::string> pushed = client.PutManifest(ref, "", child.media_type, child.bytes);
    if (!pushed.ok()) return pushed.status().Prefixed("publishing " + name + ": ");
  }
  Result<std::string> pushed = client.PutManifest(ref, target.tag, index.media_type, index.bytes);
  if (!pushed.ok()) return pushed.status().Prefixed("publishing " + name + ": ");
  return published;
}

namespace {

// The tag a signature of index_digest is stored under: "sha256-<hex>.sig".
Result<std::string> SignatureTag(std::string_view index_digest) {
  if (Status s = images::CheckDigest(index_digest); !s.ok()) return s;
  return "sha256-" + images::DigestHex(index_digest) + ".sig";
}

}  // namespace

Status PushSignature(images::RegistryClient& client, const OciModuleRef& repo,
                     std::string_view index_digest, std::string_view signature_bytes) {
  Result<std::string> tag = SignatureTag(index_digest);
  if (!tag.ok()) return tag.status();
  if (signature_bytes.size() > static_cast<size_t>(kMaxSignatureBytes)) {
    return Status::Usage("a signature is at most " + std::to_string(kMaxSignatureBytes) + " bytes");
  }
  const images::ImageReference ref = ToImageReference(repo);
  const Blob empty = MakeBlob("{}", kEmptyConfigType);
  const Blob signature = MakeBlob(std::string(signature_bytes), kModuleSignatureType);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", images::kOciManifestType},
                   {"artifactType", kModuleSignatureArtifactType},
                   {"config", empty.Descriptor()},
                   {"layers", json::array({signature.Descriptor()})},
                   {"annotations", {{"vnd.host.module.signed", std::string(index_digest)}}}};
  const std::string what = "storing the signature of " + OciRepositoryName(repo) + "@" +
                           std::string(index_digest) + ": ";
  for (const Blob* blob : {&empty, &signature}) {
    if (Status s = client.PushBlob(ref, blob->digest, blob->bytes); !s.ok()) {
      return s.Prefixed(what);
    }
  }
  Result<std::string> pushed =
      client.PutManifest(ref, *tag, images::kOciManifestType, manifest.dump());
  return pushed.ok() ? Status() : pushed.status().Prefixed(what);
}

Status PushYank(images::RegistryClient& client, const OciModuleRef& repo,
                std::string_view index_digest, bool yanked, std::string_view reason) {
  if (Status s = images::CheckDigest(index_digest); !s.ok()) return s;
  if (yanked && reason.empty()) {
    return Status::Usage("yanking needs a reason (--reason TEXT) that users of the version read");
  }
  if (reason.size() > kMaxYankReasonBytes) {
    return Status::Usage("a yank reason is at most " + std::to_string(kMaxYankReasonBytes) +
                         " characters, got " + std::to_string(reason.size()));
  }
  const std::string tag = "sha256-" + images::DigestHex(index_digest) + ".yank";
  const images::ImageReference ref = ToImageReference(repo);
  const Blob empty = MakeBlob("{}", kEmptyConfigType);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", images::kOciManifestType},
                   {"artifactType", kModuleYankArtifactType},
                   {"config", empty.Descriptor()},
                   {"layers", json::array({empty.Descriptor()})},
                   {"annotations",
                    {{kYankedAnnotation, yanked ? "true" : "false"},
                     {kYankReasonAnnotation, yanked ? std::string(reason) : std::string()},
                     {kYankDigestAnnotation, std::string(index_digest)}}}};
  const std::string what = std::string(yanked ? "yanking " : "restoring ") +
                           OciRepositoryName(repo) + "@" + std::string(index_digest) + ": ";
  if (Status s = client.PushBlob(ref, empty.digest, empty.bytes); !s.ok()) {
    return s.Prefixed(what);
  }
  Result<std::string> pushed =
      client.PutManifest(ref, tag, images::kOciManifestType, manifest.dump());
  return pushed.ok() ? Status() : pushed.status().Prefixed(what);
}

Result<std::string> YankModule(images::RegistryClient& client, const OciModuleRef& ref, bool yanked,
                               std::string_view reason) {
  const std::string shown =
      "oci://" + OciRepositoryName(ref) + (ref.digest.empty() ? ":" + ref.tag : "@" + ref.digest);
  if (yanked && reason.empty()) {
    return Status::Usage("yanking " + shown + " needs a reason: --reason TEXT");
  }
  if (reason.size() > kMaxYankReasonBytes) {
    return Status::Usage("a yank reason is at most " + std::to_string(kMaxYankReasonBytes) +
                         " characters, got " + std::to_string(reason.size()));
  }
  Result<images::FetchedManifest> index =
      client.GetManifest(ToImageReference(ref), ref.digest.empty() ? ref.tag : ref.digest);
  if (!index.ok()) return index.status().Prefixed(shown + ": ");
  json root = json::parse(index->body, nullptr, false);
  if (JsonText(root, "artifactType") != kModuleArtifactType) {
    return Status::Usage(shown + " is not a published host module (an OCI index with " +
                         "artifactType " + kModuleArtifactType + ")");
  }
  if (Status s = PushYank(client, ref, index->digest, yanked, reason); !s.ok()) return s;
  return index->digest;
}

Result<std::optional<std::string>> FetchSignature(images::RegistryClient& client,
                                                  const OciModuleRef& repo,
                                                  std::string_view index_digest,
                                                  const fs::path& state_dir) {
  Result<std::string> tag = SignatureTag(index_digest);
  if (!tag.ok()) return tag.status();
  const images::ImageReference ref = ToImageReference(repo);
  Result<images::FetchedManifest> manifest = client.GetManifest(ref, *tag);
  if (!manifest.ok()) {
    if (IsNotFound(manifest.status())) return std::optional<std::string>();
    return manifest.status();
  }
  const std::string what = "the signature " + OciRepositoryName(repo) + ":" + *tag + ": ";
  json root = json::parse(manifest->body, nullptr, false);
  const json* layer = nullptr;
  if (JsonText(root, "artifactType") == kModuleSignatureArtifactType && root["layers"].is_array() &&
      root["layers"].size() == 1 && root["layers"][0].is_object()) {
    layer = &root["layers"][0];
  }
  const json* size = nullptr;
  if (layer != nullptr) {
    auto it = layer->find("size");
    if (it != layer->end() && it->is_number_integer()) size = &*it;
  }
  if (size == nullptr) return Status::Failed(what + "is not a module signature artifact");
  images::Descriptor blob;
  blob.digest = JsonText(*layer, "digest");
  blob.size = size->get<int64_t>();
  if (blob.size < 0 || blob.size > kMaxSignatureBytes) {
    return Status::Failed(what + "its signature is larger than " +
                          std::to_string(kMaxSignatureBytes) + " bytes");
  }
  images::ContentStore store(state_dir);
  if (Status s = client.FetchBlob(ref, blob, store); !s.ok()) return s.Prefixed(what);
  Result<std::string> bytes = store.Read(blob.digest);
  if (!bytes.ok()) return bytes.status().Prefixed(what);
  return std::optional<std::string>(std::move(*bytes));
}

}  // namespace host::modules
