// Core objects from text, the way command lines and the C API take them: a Secret from a URI, a
// Directory or File from a host path, a Container from an image address, a CacheVolume by key.
#ifndef HOST_ENGINE_CORE_OBJECT_TEXT_H_
#define HOST_ENGINE_CORE_OBJECT_TEXT_H_

#include <functional>
#include <string>

#include "core/base/status.h"
#include "host/v1/wire.pb.h"

namespace host {

// Runs one call through the graph (a local engine, or a remote one).
using GraphCall = std::function<Result<v1::Value>(v1::Call)>;

// The core object of type made from text; what names it in errors ("argument --dir"). A
// Directory or File is read at once, so that a wrong path is the caller's usage error rather than a
// failure inside the module that receives it (the snapshot is kept for the session: nothing is
// read twice). Other types are a usage error.
Result<v1::Value> CoreObjectFromText(const GraphCall& call, const v1::TypeRef& type,
                                     const std::string& text, const std::string& what);

}  // namespace host

#endif  // HOST_ENGINE_CORE_OBJECT_TEXT_H_
