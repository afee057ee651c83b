// Shared fixtures of the image tests: images built by tests/fixtures/images, a local
// docker-registry holding them, and a stand-in handler that serves an OCI layout as a registry.
#ifndef HOST_TESTS_CORE_IMAGES_FIXTURES_H_
#define HOST_TESTS_CORE_IMAGES_FIXTURES_H_

#include <string>

#include "tests/core/images/http_stand_in.h"

namespace host::images::test {

// The test images, built once per test process into an OCI layout.
struct BuiltImages {
  std::string layout;           // the OCI layout folder; tags "latest" (busybox) and "whiteout"
  std::string busybox_digest;   // manifest digest of the busybox image
  std::string whiteout_digest;  // manifest digest of the two-layer whiteout image
  std::string error;            // why building failed, or empty
};

// Builds the images on first use.
const BuiltImages& TestImages();

// The local registry: docker-registry on loopback, started on first use (stopped when the tests
// end), holding busybox:latest, library/busybox:latest and whiteout:latest.
struct LocalRegistry {
  bool installed = false;  // false when docker-registry is not installed
  std::string address;     // "127.0.0.1:PORT"
  std::string state_dir;   // its storage
  std::string error;       // why it could not be started or filled, or empty
};

// Starts the registry and pushes the test images on first use.
const LocalRegistry& TestRegistry();

// Serves an OCI layout the way a registry does: /v2/, manifests by tag or digest, blobs.
HttpReply ServeLayout(const std::string& layout, const HttpRequest& request);

// A blob of the layout, read whole.
std::string LayoutBlob(const std::string& layout, const std::string& digest);

// The contents of a file, or "" if unreadable.
std::string ReadFile(const std::string& path);

// Writes a file, creating its folder.
void WriteFile(const std::string& path, const std::string& contents);

// A fresh temporary folder, removed when the test process ends.
std::string ScratchDir();

// Names in a folder, or none if it does not exist.
size_t CountEntries(const std::string& dir);

}  // namespace host::images::test

#endif  // HOST_TESTS_CORE_IMAGES_FIXTURES_H_
