#include "core/index/api_diff.h"

#include <map>

#include "core/index/json_access.h"

namespace host::index {

namespace {

using Json = nlohmann::json;

// The named members of an array, by name (the first of duplicates wins), at most limit of them.
std::map<std::string, const Json*> ByName(const Json& array, const char* key, size_t limit) {
  std::map<std::string, const Json*> named;
  size_t seen = 0;
  if (!array.is_array()) return named;
  for (const Json& item : array) {
    if (seen++ >= limit) break;
    std::string name = StringAt(item, key);
    if (name.empty()) name = StringAt(item, "name");
    if (name.empty()) continue;
    named.emplace(Cut(name, 200), &item);
  }
  return named;
}

std::string Shown(const std::string& text) { return text.empty() ? "(none)" : Cut(text, 200); }

std::string DefaultText(const Json& argument) {
  const Json& value = Member(argument, "default");
  if (!argument.is_object() || !argument.contains("default")) return "(none)";
  return ShortJson(value, 200);
}

class Differ {
 public:
  ApiDiff diff;

  void Added(std::string subject) { diff.added.push_back({std::move(subject), ""}); }
  void Removed(std::string subject) { diff.removed.push_back({std::move(subject), ""}); }
  void Changed(std::string subject, std::string what, const std::string& before,
               const std::string& after) {
    diff.changed.push_back({std::move(subject), what + " " + Shown(before) + " → " + Shown(after)});
  }
  void Description(const std::string& subject, const Json& a, const Json& b) {
    std::string before = StringAt(a, "description"), after = StringAt(b, "description");
    if (before != after) {
      diff.minor.push_back({subject, "description " + Shown(before) + " → " + Shown(after)});
    }
  }

  void Arguments(const std::string& owner, const Json& a, const Json& b) {
    auto before = ByName(ArrayAt(a, "args"), "cli_name", kMaxDiffArguments);
    auto after = ByName(ArrayAt(b, "args"), "cli_name", kMaxDiffArguments);
    for (const auto& [name, arg] : after) {
      std::string subject = "argument " + owner + " --" + name;
      auto old = before.find(name);
      if (old == before.end()) {
        Added(subject + (IsRequiredArgument(*arg) ? " (required)" : " (optional)"));
        continue;
      }
      const Json& x = *old->second;
      const Json& y = *arg;
      if (StringAt(x, "type") != StringAt(y, "type")) {
        Changed(subject, "type", StringAt(x, "type"), StringAt(y, "type"));
      }
      if (DefaultText(x) != DefaultText(y))
        Changed(subject, "default", DefaultText(x), DefaultText(y));
      if (IsRequiredArgument(x) != IsRequiredArgument(y)) {
        diff.changed.push_back(
            {subject, IsRequiredArgument(y) ? "optional → required" : "required → optional"});
      }
      Description(subject, x, y);
    }
    for (const auto& [name, arg] : before) {
      if (!after.count(name)) Removed("argument " + owner + " --" + name);
    }
  }

  void Members(const std::string& object, const char* list, const char* kind, const Json& a,
               const Json& b) {
    auto before = ByName(ArrayAt(a, list), "cli_name", kMaxDiffMembers);
    auto after = ByName(ArrayAt(b, list), "cli_name", kMaxDiffMembers);
    const bool functions = std::string(list) == "functions";
    for (const auto& [name, member] : after) {
      std::string subject = std::string(kind) + " " + object + "." + name;
      auto old = before.find(name);
      if (old == before.end()) {
        Added(subject);
        continue;
      }
      const Json& x = *old->second;
      const Json& y = *member;
      const char* type_key = functions ? "returns" : "type";
      if (StringAt(x, type_key) != StringAt(y, type_key)) {
        Changed(subject, functions ? "return type" : "type", StringAt(x, type_key),
                StringAt(y, type_key));
      }
      Description(subject, x, y);
      if (functions) Arguments(object + "." + name, x, y);
    }
    for (const auto& [name, member] : before) {
      if (!after.count(name)) Removed(std::string(kind) + " " + object + "." + name);
    }
  }

  void Objects(const Json& from, const Json& to) {
    auto before = ByName(ArrayAt(from, "objects"), "name", kMaxDiffObjects);
    auto after = ByName(ArrayAt(to, "objects"), "name", kMaxDiffObjects);
    for (const auto& [name, object] : after) {
      auto old = before.find(name);
      if (old == before.end()) {
        Added("object " + name);
        continue;
      }
      const Json& x = *old->second;
      const Json& y = *object;
      Description("object " + name, x, y);
      const Json& cx = Member(x, "constructor");
      const Json& cy = Member(y, "constructor");
      if (cx.is_object() != cy.is_object()) {
        if (cy.is_object())
          Added("constructor " + name);
        else
          Removed("constructor " + name);
      } else if (cx.is_object()) {
        Description("constructor " + name, cx, cy);
        Arguments(name + " constructor", cx, cy);
      }
      Members(name, "fields", "field", x, y);
      Members(name, "functions", "function", x, y);
    }
    for (const auto& [name, object] : before) {
      if (!after.count(name)) Removed("object " + name);
    }
  }

  void Enums(const Json& from, const Json& to) {
    auto before = ByName(ArrayAt(from, "enums"), "name", kMaxDiffObjects);
    auto after = ByName(ArrayAt(to, "enums"), "name", kMaxDiffObjects);
    for (const auto& [name, item] : after) {
      auto old = before.find(name);
      if (old == before.end()) {
        Added("enum " + name);
        continue;
      }
      Description("enum " + name, *old->second, *item);
      auto values_before = ByName(ArrayAt(*old->second, "values"), "name", kMaxDiffEnumValues);
      auto values_after = ByName(ArrayAt(*item, "values"), "name", kMaxDiffEnumValues);
      for (const auto& [value, entry] : values_after) {
        auto was = values_before.find(value);
        if (was == values_before.end()) {
          Added("enum value " + name + "." + value);
        } else {
          Description("enum value " + name + "." + value, *was->second, *entry);
        }
      }
      for (const auto& [value, entry] : values_before) {
        if (!values_after.count(value)) Removed("enum value " + name + "." + value);
      }
    }
    for (const auto& [name, item] : before) {
      if (!after.count(name)) Removed("enum " + name);
    }
  }
};

}  // namespace

bool IsRequiredArgument(const nlohmann::json& argument) {
  if (!argument.is_object() || argument.contains("default")) return false;
  const std::string type = StringAt(argument, "type");
  return type.empty() || type.back() != '?';
}

ApiDiff DiffSchemas(const nlohmann::json& from, const nlohmann::json& to) {
  Differ differ;
  differ.Objects(from, to);
  differ.Enums(from, to);
  return std::move(differ.diff);
}

}  // namespace host::index
