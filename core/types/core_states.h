// What each core type evaluates to, and which object of the schema each state is the value of.
#ifndef HOST_TYPES_CORE_STATES_H_
#define HOST_TYPES_CORE_STATES_H_

#include <filesystem>
#include <string>

#include "core/types/container_state.h"
#include "core/types/snapshot_store.h"

namespace host {

// An evaluated File: an immutable copy of its bytes in the state folder. Its digest is computed
// only when asked for (Evaluator::FileDigestOf), so reading a size costs no pass over the bytes.
struct FileState {
  std::filesystem::path path;
  std::string name;
};

// The root object: nothing to evaluate.
struct QueryState {};

// The machine host runs on: nothing to evaluate; its functions read it when they are evaluated.
struct HostState {};

// A cache volume: which cache it is.
struct CacheVolumeState {
  std::string key;
};

// A secret of the session: its name and its value.
struct SecretState {
  std::string name;
  std::string plaintext;
};

// The schema name of the object a state is the value of.
template <class State>
struct CoreTypeOf;
template <>
struct CoreTypeOf<QueryState> {
  static constexpr const char* kName = "Query";
};
template <>
struct CoreTypeOf<HostState> {
  static constexpr const char* kName = "Host";
};
template <>
struct CoreTypeOf<ContainerState> {
  static constexpr const char* kName = "Container";
};
template <>
struct CoreTypeOf<Snapshot> {
  static constexpr const char* kName = "Directory";
};
template <>
struct CoreTypeOf<FileState> {
  static constexpr const char* kName = "File";
};
template <>
struct CoreTypeOf<CacheVolumeState> {
  static constexpr const char* kName = "CacheVolume";
};
template <>
struct CoreTypeOf<SecretState> {
  static constexpr const char* kName = "Secret";
};

// The ID of a core object a function returns now (not lazily), e.g. a new secret.
template <class State>
struct ObjectId {
  std::string id;
};

}  // namespace host

#endif  // HOST_TYPES_CORE_STATES_H_
