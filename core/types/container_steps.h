// What the Container functions share: state digests, derived layers and running a command.
#ifndef HOST_TYPES_CONTAINER_STEPS_H_
#define HOST_TYPES_CONTAINER_STEPS_H_

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/types/container_state.h"

namespace host {

class CoreCall;
class CoreServices;

// A digest chaining a parent digest with the fields of one operation.
std::string ChainDigest(const std::string& parent, std::initializer_list<std::string_view> fields);

// A layer holding one tree at an absolute path, stored under the digest that names it and leased
// for this engine; fill writes the tree at the path it is given.
Result<std::filesystem::path> DerivedLayer(
    CoreServices& services, const std::string& digest, const std::string& at,
    const std::function<Status(const std::filesystem::path&)>& fill);

// A command line as people read it, for progress and errors.
std::string Shown(const std::vector<std::string>& args);

// Container.with-exec: runs the command on parent (or reuses its stored result).
Result<ContainerState> Exec(CoreCall& c, const ContainerState& parent);

}  // namespace host

#endif  // HOST_TYPES_CONTAINER_STEPS_H_
