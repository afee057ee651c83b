#include "comment.h"

#include <algorithm>
#include <stdexcept>

namespace iac {

int64_t PullRequestOf(const std::string& ref) {
  const std::string prefix = "refs/pull/", suffix = "/merge";
  const bool shaped = ref.size() > prefix.size() + suffix.size() && ref.rfind(prefix, 0) == 0 &&
                      ref.compare(ref.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string digits =
      shaped ? ref.substr(prefix.size(), ref.size() - prefix.size() - suffix.size()) : "";
  const bool numeric =
      !digits.empty() && digits.size() <= 12 && digits[0] != '0' &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) {
    throw std::invalid_argument(
        "github-ref '" + ref + "' does not name a pull request: expected refs/pull/<number>/merge");
  }
  return std::stoll(digits);
}

std::string ChooseStack(const std::string& given, const std::vector<std::string>& file_names) {
  if (!given.empty()) return given;
  std::vector<std::string> stacks;
  const std::string prefix = "Pulumi.", suffix = ".yaml";
  for (const auto& name : file_names) {
    if (name.size() > prefix.size() + suffix.size() && name.rfind(prefix, 0) == 0 &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      stacks.push_back(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
    }
  }
  std::sort(stacks.begin(), stacks.end());
  if (stacks.size() == 1) return stacks[0];
  if (stacks.empty()) {
    throw std::invalid_argument(
        "no stack given and src has no Pulumi.<stack>.yaml: pass --stack or add the stack's file");
  }
  std::string names;
  for (const auto& s : stacks) names += (names.empty() ? "" : ", ") + s;
  throw std::invalid_argument("src has several stacks (" + names + "): pass --stack to choose one");
}

std::string PreviewComment(const std::string& stack, const std::string& preview) {
  size_t longest = 0, run = 0;
  for (char c : preview) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string body = preview;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return "#### `pulumi preview` for stack `" + stack + "`\n\n" + fence + "\n" + body + "\n" +
         fence + "\n";
}

}  // namespace iac
