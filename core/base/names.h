// Name conventions: modules write snake_case or camelCase, the CLI shows kebab-case, generated C++
// clients use snake_case, main objects are PascalCase.
#ifndef HOST_BASE_NAMES_H_
#define HOST_BASE_NAMES_H_

#include <string>
#include <string_view>

namespace host {

// "withPulumiToken", "with_pulumi_token", "with-pulumi-token" -> "with-pulumi-token".
std::string KebabCase(std::string_view name);

// Any of the forms above -> "with_pulumi_token".
std::string SnakeCase(std::string_view name);

// "my-module" -> "MyModule".
std::string PascalCase(std::string_view name);

// The longest module name accepted in module.json, in dependencies and by `host init`.
inline constexpr size_t kMaxModuleNameLength = 128;

// Whether name has the characters of a module name: a lowercase letter, then lowercase letters,
// digits and '-' (the length is checked apart, see IsModuleName).
bool HasModuleNameCharacters(std::string_view name);

// Whether name is a module name: HasModuleNameCharacters and at most kMaxModuleNameLength long.
bool IsModuleName(std::string_view name);

// Whether version is a semantic version, "1.2.3" optionally followed by "-" or "+" and letters,
// digits, '.' and '-' (the length is checked apart).
bool IsSemanticVersion(std::string_view version);

// The number of single-character edits between a and b, for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace host

#endif  // HOST_BASE_NAMES_H_
