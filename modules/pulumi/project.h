// What the pulumi module reads from a Pulumi project: its runtime and its backend.
#ifndef HOST_MODULES_PULUMI_PROJECT_H_
#define HOST_MODULES_PULUMI_PROJECT_H_

#include <string>

namespace pulumi {

// The settings of Pulumi.yaml that decide how the project runs.
struct ProjectFile {
  std::string name;
  std::string runtime;      // go, nodejs, python, dotnet, ...
  std::string backend_url;  // backend.url, or empty
};

// Reads the top-level settings of a Pulumi.yaml text (the small YAML subset projects use:
// `runtime: go` or `runtime:` with a nested `name:`, and `backend:` with a nested `url:`; keys
// nested deeper, such as runtime options, are not read). What is missing is empty.
ProjectFile ParseProjectFile(const std::string& text);

// Where a file:// backend keeps its state inside the container ("~" is the home folder; the root
// folder gives /.pulumi, where Pulumi keeps its state), or an error text when the URL is not an
// absolute file:// location; empty for other backends.
std::string LocalBackendPath(const std::string& url, std::string* error);

}  // namespace pulumi

#endif  // HOST_MODULES_PULUMI_PROJECT_H_
