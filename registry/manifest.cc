#include "registry/manifest.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "registry/json_schema.h"

namespace host {
namespace {

// Of an error about a module.json: how many schema violations are listed, and how long a quoted
// part (a JSON pointer, the parser's message) may be.
constexpr size_t kMaxShownViolations = 20;
constexpr size_t kMaxShownMessage = 200;

}  // namespace

Result<Manifest> ParseManifest(const std::string& text, const std::filesystem::path& file) {
  const std::string where = file.string() + ": ";
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    try {
      nlohmann::json ignored = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range: 1e400
      std::string what = e.what();
      auto pos = what.find("parse error");
      if (pos != std::string::npos) what = what.substr(pos);
      // The parser quotes the last token it read, which may be a 30 KB string.
      if (what.size() > kMaxShownMessage) what = what.substr(0, kMaxShownMessage) + "...";
      return Status::Usage(where + "not valid JSON: " + what);
    }
    return Status::Usage(where + "not valid JSON");
  }
  static const nlohmann::json schema = nlohmann::json::parse(kModuleJsonSchema);
  std::vector<SchemaViolation> violations = ValidateJson(doc, schema);
  if (!violations.empty()) {
    std::string message = where + "does not match module.json.schema:";
    for (size_t i = 0; i < violations.size() && i < kMaxShownViolations; ++i) {
      std::string pointer = violations[i].pointer.empty() ? "/" : violations[i].pointer;
      if (pointer.size() > kMaxShownMessage) pointer = pointer.substr(0, kMaxShownMessage) + "...";
      message += "\n  " + pointer + ": " + violations[i].message;
    }
    if (violations.size() > kMaxShownViolations) {
      message += "\n  and " + std::to_string(violations.size() - kMaxShownViolations) + " more";
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
    // The schema bounds both already; this keeps the conversion to a clock safe should the
    // schema ever be loosened.
    if (!(m.start_timeout > 0 && m.start_timeout <= kMaxStartTimeoutSeconds) ||
        !(m.call_timeout >= 0 && m.call_timeout <= kMaxCallTimeoutSeconds)) {
      return Status::Usage(where + "runtime.start_timeout must be above 0 and at most " +
                           std::to_string(static_cast<int>(kMaxStartTimeoutSeconds)) +
                           ", and runtime.call_timeout at least 0 and at most " +
                           std::to_string(static_cast<int>(kMaxCallTimeoutSeconds)) +
                           " (seconds; 0: no limit)");
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
  std::error_code ec;
  if (!in) {
    const bool exists = std::filesystem::exists(file, ec);
    return Status::Usage(file.string() + ": cannot be read (" +
                         (ec       ? ec.message()
                          : exists ? "permission denied"
                                   : "no such file") +
                         ")");
  }
  // Read in small pieces, up to one byte past the limit (to tell a file of exactly the limit from
  // a longer one): a module.json is a few hundred bytes, and a 4 MiB buffer costs milliseconds.
  std::string text;
  char chunk[16384];
  while (text.size() <= kMaxManifestBytes &&
         in.read(chunk, static_cast<std::streamsize>(sizeof chunk)).gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Status::Usage(file.string() + ": cannot be read (is it a folder?)");
  if (text.size() > kMaxManifestBytes) {
    return Status::Usage(file.string() + ": is larger than " +
                         std::to_string(kMaxManifestBytes / 1024 / 1024) +
                         " MiB; a module.json is a few hundred bytes, check the path");
  }
  return ParseManifest(text, file);
}

}  // namespace host
