// The pull request comment of the iac pipeline: which pull request a ref names, the stack to use,
// and the comment's text.
#ifndef HOST_MODULES_IAC_COMMENT_H_
#define HOST_MODULES_IAC_COMMENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace iac {

// The pull request number of a ref of the form refs/pull/<number>/merge (GITHUB_REF on a
// pull_request event); throws std::invalid_argument quoting the ref otherwise.
int64_t PullRequestOf(const std::string& ref);

// The stack to use: the given one, else the only Pulumi.<stack>.yaml among file_names; throws
// std::invalid_argument when there is none or several, naming them.
std::string ChooseStack(const std::string& given, const std::vector<std::string>& file_names);

// The comment posted for a preview: a heading naming the stack, then the preview in a fenced code
// block whose fence is longer than any run of backticks inside it.
std::string PreviewComment(const std::string& stack, const std::string& preview);

}  // namespace iac

#endif  // HOST_MODULES_IAC_COMMENT_H_
