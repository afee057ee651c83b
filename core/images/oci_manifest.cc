#include "core/images/oci_manifest.h"

#include <nlohmann/json.hpp>

#include "core/images/digest.h"

namespace host::images {
using nlohmann::json;

namespace {

std::string StringField(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A list of strings; null or missing is empty; anything else is an error.
Result<std::vector<std::string>> StringList(const json& object, const char* key,
                                            const std::string& where) {
  std::vector<std::string> list;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return list;
  if (!it->is_array()) return Status::Failed(where + ": \"" + key + "\" is not a list of strings");
  for (const auto& item : *it) {
    if (!item.is_string()) {
      return Status::Failed(where + ": \"" + key + "\" is not a list of strings");
    }
    list.push_back(item.get<std::string>());
  }
  return list;
}

Result<Descriptor> ParseDescriptor(const json& node, const std::string& where) {
  if (!node.is_object()) return Status::Failed(where + " is not an object");
  Descriptor descriptor;
  descriptor.media_type = StringField(node, "mediaType");
  descriptor.digest = StringField(node, "digest");
  if (!IsSha256Digest(descriptor.digest)) {
    return Status::Failed(where + " has an invalid digest \"" + descriptor.digest + "\"");
  }
  if (auto size = node.find("size"); size != node.end() && size->is_number_integer()) {
    descriptor.size = size->get<int64_t>();
  }
  if (auto platform = node.find("platform"); platform != node.end() && platform->is_object()) {
    Platform p;
    p.os = StringField(*platform, "os");
    p.architecture = StringField(*platform, "architecture");
    p.variant = StringField(*platform, "variant");
    descriptor.platform = p;
  }
  return descriptor;
}

Result<std::vector<Descriptor>> ParseDescriptors(const json& root, const char* key) {
  std::vector<Descriptor> list;
  auto it = root.find(key);
  if (it == root.end() || !it->is_array()) {
    return Status::Failed(std::string("manifest has no \"") + key + "\" list");
  }
  for (size_t i = 0; i < it->size(); ++i) {
    Result<Descriptor> d =
        ParseDescriptor((*it)[i], std::string(key) + "[" + std::to_string(i) + "] of the manifest");
    if (!d.ok()) return d.status();
    list.push_back(std::move(*d));
  }
  return list;
}

// The Content-Type without parameters ("; charset=utf-8").
std::string_view BareType(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

}  // namespace

std::string Platform::String() const {
  return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

std::string ManifestAcceptHeader() {
  return std::string(kOciIndexType) + ", " + kOciManifestType + ", " + kDockerManifestListType +
         ", " + kDockerManifestType;
}

Result<ManifestDocument> ParseManifest(std::string_view body, std::string_view content_type) {
  json root = json::parse(body, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return Status::Failed("the manifest is not a JSON object");
  }
  if (auto version = root.find("schemaVersion");
      version != root.end() && version->is_number_integer() && version->get<int>() == 1) {
    return Status::Failed(
        "the image has a Docker schema 1 manifest, which is not supported; push it again with a "
        "current client");
  }
  ManifestDocument document;
  document.media_type = std::string(BareType(content_type));
  std::string declared = StringField(root, "mediaType");
  bool known = document.media_type == kOciManifestType || document.media_type == kOciIndexType ||
               document.media_type == kDockerManifestType ||
               document.media_type == kDockerManifestListType;
  if (!known) document.media_type = declared;
  if (document.media_type.empty()) {
    document.media_type = root.contains("manifests") ? kOciIndexType : kOciManifestType;
  }
  if (document.media_type == kOciIndexType || document.media_type == kDockerManifestListType) {
    document.is_index = true;
    Result<std::vector<Descriptor>> manifests = ParseDescriptors(root, "manifests");
    if (!manifests.ok()) return manifests.status();
    document.manifests = std::move(*manifests);
    return document;
  }
  if (document.media_type != kOciManifestType && document.media_type != kDockerManifestType) {
    return Status::Failed("unsupported manifest media type \"" + document.media_type + "\"");
  }
  auto config = root.find("config");
  if (config == root.end()) return Status::Failed("the manifest has no config");
  Result<Descriptor> config_descriptor = ParseDescriptor(*config, "the config of the manifest");
  if (!config_descriptor.ok()) return config_descriptor.status();
  document.config = std::move(*config_descriptor);
  Result<std::vector<Descriptor>> layers = ParseDescriptors(root, "layers");
  if (!layers.ok()) return layers.status();
  document.layers = std::move(*layers);
  return document;
}

Result<Descriptor> SelectPlatform(const ManifestDocument& index, const Platform& platform) {
  std::string available;
  for (const auto& entry : index.manifests) {
    if (!entry.platform) continue;
    const Platform& p = *entry.platform;
    if (p.os == platform.os && p.architecture == platform.architecture &&
        (platform.variant.empty() || p.variant == platform.variant)) {
      return entry;
    }
    if (p.os == "unknown") continue;  // attestations and other non-images
    available += (available.empty() ? "" : ", ") + p.String();
  }
  return Status::Usage("the image has no " + platform.String() + " variant; it has " +
                       (available.empty() ? std::string("no platform entries") : available));
}

Result<ImageConfig> ParseImageConfig(std::string_view body) {
  json root = json::parse(body, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return Status::Failed("the image config is not a JSON object");
  }
  ImageConfig config;
  config.os = StringField(root, "os");
  config.architecture = StringField(root, "architecture");
  if (auto run = root.find("config"); run != root.end() && run->is_object()) {
    const std::string where = "the image config";
    Result<std::vector<std::string>> env = StringList(*run, "Env", where);
    if (!env.ok()) return env.status();
    Result<std::vector<std::string>> entrypoint = StringList(*run, "Entrypoint", where);
    if (!entrypoint.ok()) return entrypoint.status();
    Result<std::vector<std::string>> cmd = StringList(*run, "Cmd", where);
    if (!cmd.ok()) return cmd.status();
    config.env = std::move(*env);
    config.entrypoint = std::move(*entrypoint);
    config.cmd = std::move(*cmd);
    config.working_dir = StringField(*run, "WorkingDir");
    config.user = StringField(*run, "User");
  }
  auto rootfs = root.find("rootfs");
  if (rootfs == root.end() || !rootfs->is_object()) {
    return Status::Failed("the image config has no rootfs");
  }
  Result<std::vector<std::string>> diff_ids = StringList(*rootfs, "diff_ids", "the image config");
  if (!diff_ids.ok()) return diff_ids.status();
  for (const auto& diff_id : *diff_ids) {
    if (!IsSha256Digest(diff_id)) {
      return Status::Failed("the image config has an invalid diff_id \"" + diff_id + "\"");
    }
  }
  config.diff_ids = std::move(*diff_ids);
  return config;
}

}  // namespace host::images
