// A loopback registry for benchmarks (tests/fixtures/images/registry.sh) holding one image.
#ifndef HOST_BENCH_REGISTRY_H_
#define HOST_BENCH_REGISTRY_H_

#include <cstdlib>
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

}  // namespace host::bench

#endif  // HOST_BENCH_REGISTRY_H_
