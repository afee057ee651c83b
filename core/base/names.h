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

// The number of single-character edits between a and b, for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace host

#endif  // HOST_BASE_NAMES_H_
