// Helpers shared by publishing and fetching module artifacts (oci_module_*.cc); not a public API.
#ifndef HOST_MODULES_OCI_MODULE_PARTS_H_
#define HOST_MODULES_OCI_MODULE_PARTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/images/reference.h"
#include "core/modules/module_ref.h"

namespace host::modules {

// The digest of the OCI empty config "{}" every child manifest uses.
inline constexpr char kEmptyConfigType[] = "application/vnd.oci.empty.v1+json";

// ref as the registry client takes it.
images::ImageReference ToImageReference(const OciModuleRef& ref);

// The glibc version this code runs on ("2.36").
std::string HostGlibcVersion();

// True when a binary built on glibc built_on runs on this host's glibc (same or older).
bool GlibcAtLeast(std::string_view host, std::string_view built_on);

// A string member of a JSON object from a registry (untrusted), or "" when object is not an
// object or the member is missing or not a string.
inline std::string JsonText(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// An annotation of a descriptor or manifest, or "".
inline std::string JsonAnnotation(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find("annotations");
  return it != object.end() ? JsonText(*it, key) : std::string();
}

// True when status is a registry's "not found" (an unknown tag or repository).
bool IsNotFound(const Status& status);

}  // namespace host::modules

#endif  // HOST_MODULES_OCI_MODULE_PARTS_H_
