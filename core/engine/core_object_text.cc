#include "core/engine/core_object_text.h"

#include <utility>
#include <vector>

namespace host {
namespace {

// One call of a chain from the root: a function and its string arguments.
struct ChainStep {
  std::string function;
  std::vector<std::pair<std::string, std::string>> args;
};

// Runs a chain of core calls from the Query object.
Result<v1::Value> CoreChain(const GraphCall& run, const std::vector<ChainStep>& steps) {
  v1::Value current;
  for (const auto& step : steps) {
    v1::Call call;
    call.set_module("core");
    call.set_function(step.function);
    if (current.kind_case() == v1::Value::kObjectValue) {
      *call.mutable_receiver() = current.object_value();  // the object is the receiver's type
    } else {
      call.set_object("Query");
    }
    for (const auto& [name, text] : step.args) {
      auto* named = call.add_args();
      named->set_name(name);
      named->mutable_value()->set_string_value(text);
    }
    Result<v1::Value> result = run(std::move(call));
    if (!result.ok()) return result;
    current = std::move(*result);
  }
  return current;
}

}  // namespace

Result<v1::Value> CoreObjectFromText(const GraphCall& call, const v1::TypeRef& type,
                                     const std::string& text, const std::string& what) {
  const std::string& name = type.name();
  Result<v1::Value> value = Status::Usage(what + " takes a " + name +
                                          " object, which cannot be given as text: pass one an "
                                          "earlier call returned");
  if ((name == "Directory" || name == "File") && text.empty()) {
    return Status::Usage(what + " takes the path of a host " +
                         (name == "File" ? std::string("file") : std::string("folder")) +
                         ", got an empty text");
  }
  if (name == "Secret") {
    value = CoreChain(call, {{"secret", {{"uri", text}}}});
  } else if (name == "Directory") {
    value = CoreChain(call, {{"host", {}}, {"directory", {{"path", text}}}});
  } else if (name == "File") {
    value = CoreChain(call, {{"host", {}}, {"file", {{"path", text}}}});
  } else if (name == "Container") {
    value = CoreChain(call, {{"container", {}}, {"from", {{"address", text}}}});
  } else if (name == "CacheVolume") {
    value = CoreChain(call, {{"cache-volume", {{"key", text}}}});
  } else {
    return value;
  }
  if (value.ok() && (name == "Directory" || name == "File")) {
    v1::Call digest;
    digest.set_module("core");
    digest.set_object(name);
    digest.set_function("digest");
    *digest.mutable_receiver() = value->object_value();
    if (Result<v1::Value> checked = call(std::move(digest)); !checked.ok())
      value = checked.status();
  }
  if (!value.ok()) return value.status().Prefixed(what + ": ");
  return value;
}

}  // namespace host
