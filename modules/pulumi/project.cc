#include "project.h"

#include <sstream>

namespace pulumi {
namespace {

// A YAML scalar without quotes, trailing comment or surrounding blanks.
std::string Scalar(std::string value) {
  auto hash = value.find(" #");
  if (hash != std::string::npos) value.erase(hash);
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = value.find_last_not_of(" \t\r");
  value = value.substr(first, last - first + 1);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

// The indentation of a line, or -1 for blank and comment lines.
int Indent(const std::string& line) {
  const auto first = line.find_first_not_of(' ');
  if (first == std::string::npos || line[first] == '#' || line[first] == '\r') return -1;
  return static_cast<int>(first);
}

}  // namespace

ProjectFile ParseProjectFile(const std::string& text) {
  ProjectFile project;
  std::istringstream in(text);
  std::string line;
  std::string section;  // the top-level key whose nested keys we are reading
  while (std::getline(in, line)) {
    const int indent = Indent(line);
    if (indent < 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = Scalar(line.substr(0, colon));
    const std::string value = Scalar(line.substr(colon + 1));
    if (indent == 0) {
      section = value.empty() ? key : "";
      if (key == "name") project.name = value;
      if (key == "runtime") project.runtime = value;
    } else if (section == "runtime" && key == "name") {
      project.runtime = value;
    } else if (section == "backend" && key == "url") {
      project.backend_url = value;
    }
  }
  return project;
}

std::string LocalBackendPath(const std::string& url, std::string* error) {
  const std::string scheme = "file://";
  if (url.rfind(scheme, 0) != 0) return "";
  std::string path = url.substr(scheme.size());
  if (path.empty() || path == "~" || path.rfind("~/", 0) == 0) {
    // Pulumi keeps a home-folder backend under ~/.pulumi.
    std::string rest = path.size() > 2 ? path.substr(2) : "";
    return rest.empty() ? "/root/.pulumi" : "/root/" + rest;
  }
  if (path.front() != '/') {
    *error = "the backend URL '" + url +
             "' is relative; use an absolute path (file:///state) or the home folder (file://~)";
    return "";
  }
  return path;
}

}  // namespace pulumi
