// A loopback registry for benchmarks (tests/fixtures/images/registry.sh) holding one image.
#ifndef HOST_BENCH_REGISTRY_H_
#define HOST_BENCH_REGISTRY_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "process.h"

namespace host::bench {

// Stops the registry that ServeImage started in dir.
inline void StopRegistry(const std::string& images, const std::string& dir) {
  std::system(("bash " + images + "/registry.sh stop " + dir).c_str());
}

// Starts a registry in dir (images: tests/fixtures/images) and copies the OCI image
// layout_and_tag (DIR:TAG) into it as repository:latest. Returns the registry's address, or ""
// when either failed, the registry then stopped.
inline std::string ServeImage(const std::string& images, const std::string& dir,
                              const std::string& layout_and_tag, const std::string& repository) {
  const std::string address = Output("bash " + images + "/registry.sh start " + dir);
  if (!address.empty() &&
      std::system(("skopeo copy -q oci:" + layout_and_tag + " docker://" + address + "/" +
                   repository + ":latest --dest-tls-verify=false")
                      .c_str()) == 0) {
    return address;
  }
  StopRegistry(images, dir);
  return "";
}

// Builds an image with a fixture script (`images/SCRIPT root/oci ARGS`, ARGS starting with the
// tag), serves it from a registry in root/registry as repository:latest, and points host at it
// (HOST_CONFIG = root/config.json, which trusts that insecure registry). Returns the registry's
// address, or "" after saying what failed on stderr; the caller removes root either way.
inline std::string ServeFixtureImage(const std::string& images, const std::string& root,
                                     const std::string& script, const std::string& tag,
                                     const std::string& args, const std::string& repository) {
  if (std::system(("bash " + images + "/" + script + " " + root + "/oci " + tag + " " + args +
                   " >/dev/null")
                      .c_str()) != 0) {
    std::fprintf(stderr, "cannot build the test image\n");
    return "";
  }
  const std::string address =
      ServeImage(images, root + "/registry", root + "/oci:" + tag, repository);
  if (address.empty()) {
    std::fprintf(stderr, "cannot start the registry or push the image\n");
    return "";
  }
  std::ofstream(root + "/config.json") << R"({"insecure": [")" << address << R"("]})";
  setenv("HOST_CONFIG", (root + "/config.json").c_str(), 1);
  return address;
}

}  // namespace host::bench

#endif  // HOST_BENCH_REGISTRY_H_
