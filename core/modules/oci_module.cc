#include <gnu/libc-version.h>

#include <cstdlib>

#include "core/modules/oci_module.h"
#include "core/modules/oci_module_parts.h"

namespace host::modules {

images::ImageReference ToImageReference(const OciModuleRef& ref) {
  images::ImageReference image;
  image.registry = ref.registry;
  image.repository = ref.repository;
  image.tag = ref.tag;
  image.digest = ref.digest;
  return image;
}

std::string OciRepositoryName(const OciModuleRef& ref) {
  return ref.registry + "/" + ref.repository;
}

std::string HostArchitecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#else
  return "unknown";
#endif
}

std::string HostGlibcVersion() { return gnu_get_libc_version(); }

bool GlibcAtLeast(std::string_view host, std::string_view built_on) {
  auto parse = [](std::string_view text, int* major, int* minor) {
    const std::string copy(text);
    char* end = nullptr;
    *major = static_cast<int>(std::strtol(copy.c_str(), &end, 10));
    if (end == copy.c_str() || *end != '.') return false;
    const char* rest = end + 1;
    *minor = static_cast<int>(std::strtol(rest, &end, 10));
    return end != rest;
  };
  int host_major = 0, host_minor = 0, built_major = 0, built_minor = 0;
  if (!parse(host, &host_major, &host_minor) || !parse(built_on, &built_major, &built_minor)) {
    return false;
  }
  return host_major > built_major || (host_major == built_major && host_minor >= built_minor);
}

bool IsNotFound(const Status& status) {
  return status.kind() == ErrorKind::kUsage && status.message().rfind("not found", 0) == 0;
}

}  // namespace host::modules
