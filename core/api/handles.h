// What the opaque handles of the C API (host/host.h) hold.
#ifndef HOST_API_HANDLES_H_
#define HOST_API_HANDLES_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/engine/engine.h"
#include "host/host.h"
#include "host/v1/wire.pb.h"

// Settings for a new engine.
struct host_options {
  std::optional<std::filesystem::path> state_dir;  // unset: the default state folder
  std::vector<std::filesystem::path> module_dirs;  // searched before the default module path
  bool progress = false;                           // progress and module logs to stderr
  bool isolate = false;                            // shared-object modules in their own processes
};

// An engine and nothing else: the C API keeps no state of its own.
struct host_engine {
  std::unique_ptr<host::Runtime> engine;
};

// A chain's value with its JSON and text forms, made at once: JSON needs the engine's schemas,
// and a result may outlive its engine.
struct host_result {
  host::v1::Value value;
  std::string json;
  std::string text;
};

// An error as the C API hands it out.
struct host_error {
  host::Status status;
};

#endif  // HOST_API_HANDLES_H_
