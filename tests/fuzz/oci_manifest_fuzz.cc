// Fuzzes the documents a registry or an OCI layout serves: manifests, indexes and image configs.
// The first byte chooses the document and the Content-Type it arrives with; the rest is the body.
// Any body must parse or give an error; what parses must hold only valid digests, since they
// become file names in the content store.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace images = host::images;

using host::fuzz::Expect;

// The Content-Types a registry may send, the first ones with parameters and spaces.
constexpr std::string_view kContentTypes[] = {
    "",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json ; charset=utf-8",
    "application/json",
    ";",
};

void FuzzManifest(std::string_view body, std::string_view content_type) {
  host::Result<images::ManifestDocument> document = images::ParseManifest(body, content_type);
  if (!document.ok()) {
    Expect(!document.status().message().empty(), "a rejected manifest has no message");
    return;
  }
  for (const auto& entry : document->manifests) {
    Expect(images::IsSha256Digest(entry.digest), "an index entry has an invalid digest");
    (void)images::DigestHex(entry.digest);
  }
  if (document->is_index) {
    Expect(document->layers.empty(), "an index has layers");
    for (const char* architecture : {"amd64", "arm64"}) {
      images::Platform platform;
      platform.architecture = architecture;
      host::Result<images::Descriptor> chosen = images::SelectPlatform(*document, platform);
      if (chosen.ok()) Expect(images::IsSha256Digest(chosen->digest), "a chosen entry is invalid");
    }
    return;
  }
  Expect(images::IsSha256Digest(document->config.digest), "the config has an invalid digest");
  for (const auto& layer : document->layers) {
    Expect(images::IsSha256Digest(layer.digest), "a layer has an invalid digest");
    (void)images::DigestHex(layer.digest);
  }
}

void FuzzConfig(std::string_view body) {
  host::Result<images::ImageConfig> config = images::ParseImageConfig(body);
  if (!config.ok()) {
    Expect(!config.status().message().empty(), "a rejected image config has no message");
    return;
  }
  for (const auto& diff_id : config->diff_ids) {
    Expect(images::IsSha256Digest(diff_id), "a diff_id is invalid");
    Expect(images::CheckDigest(diff_id).ok(), "CheckDigest refuses a valid diff_id");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr size_t kTypes = sizeof(kContentTypes) / sizeof(kContentTypes[0]);
  const size_t choice = data[0] % (kTypes + 1);
  if (choice == kTypes) {
    FuzzConfig(body);
  } else {
    FuzzManifest(body, kContentTypes[choice]);
  }
  return 0;
}
