#include "registry/manifest.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "registry/json_schema.h"

namespace host {

Result<Manifest> ParseManifest(const std::string& text, const std::filesystem::path& file) {
  const std::string where = file.string() + ": ";
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    try {
      nlohmann::json ignored = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      auto pos = what.find("parse error");
      return Status::Usage(
          where + "not valid JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
    }
    return Status::Usage(where + "not valid JSON");
  }
  static const nlohmann::json schema = nlohmann::json::parse(kModuleJsonSchema);
  std::vector<SchemaViolation> violations = ValidateJson(doc, schema);
  if (!violations.empty()) {
    std::string message = where + "does not match module.json.schema:";
    for (const auto& v : violations) {
      message += "\n  " + (v.pointer.empty() ? std::string("/") : v.pointer) + ": " + v.message;
    }
    return Status::Usage(message);
  }
  Manifest m;
  m.file = file;
  m.name = doc.at("name").get<std::string>();
  m.version = doc.value("version", "0.0.0");
  m.description = doc.value("description", "");
  m.sdk = doc.value("sdk", "cpp");
  m.source = doc.value("source", "");
  m.object = doc.value("object", "build/lib" + m.name + ".so");
  if (doc.contains("runtime")) {
    const nlohmann::json& runtime = doc.at("runtime");
    m.command = runtime.at("command").get<std::vector<std::string>>();
    m.start_timeout = runtime.value("start_timeout", m.start_timeout);
    m.call_timeout = runtime.value("call_timeout", m.call_timeout);
    if (m.start_timeout <= 0 || m.call_timeout < 0) {
      return Status::Usage(where +
                           "runtime.start_timeout must be above 0 and runtime.call_timeout at "
                           "least 0 (seconds; 0: no limit)");
    }
  }
  for (const auto& dep : doc.value("dependencies", nlohmann::json::array())) {
    Dependency d;
    d.name = dep.at("name").get<std::string>();
    d.source = dep.value("source", d.name);
    d.pin = dep.value("pin", "");
    for (const auto& other : m.dependencies) {
      if (other.name == d.name) {
        return Status::Usage(where + "dependency '" + d.name + "' is listed twice");
      }
    }
    m.dependencies.push_back(std::move(d));
  }
  return m;
}

Result<Manifest> LoadManifest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::Usage(file.string() + ": cannot be read (" +
                         (std::filesystem::exists(file) ? "permission denied" : "no such file") +
                         ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseManifest(text.str(), file);
}

}  // namespace host
