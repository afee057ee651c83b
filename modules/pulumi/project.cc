#include "project.h"

#include <filesystem>
#include <sstream>

namespace pulumi {
namespace {

// A YAML scalar without quotes, trailing comment or surrounding blanks (a " #" inside quotes is
// part of the value).
std::string Scalar(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos || text[first] == '#') return "";
  const char quote = text[first];
  if (quote == '"' || quote == '\'') {
    const auto close = text.find(quote, first + 1);
    if (close != std::string::npos) return text.substr(first + 1, close - first - 1);
  }
  std::string value = text.substr(first);
  const auto hash = value.find(" #");
  if (hash != std::string::npos) value.erase(hash);
  const auto last = value.find_last_not_of(" \t\r");
  return last == std::string::npos ? "" : value.substr(0, last + 1);
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
  int nested = -1;      // the indentation of its keys (deeper ones belong to them)
  while (std::getline(in, line)) {
    const int indent = Indent(line);
    if (indent < 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = Scalar(line.substr(0, colon));
    const std::string value = Scalar(line.substr(colon + 1));
    if (indent == 0) {
      section = value.empty() ? key : "";
      nested = -1;
      if (key == "name") project.name = value;
      if (key == "runtime") project.runtime = value;
      continue;
    }
    if (nested < 0) nested = indent;
    if (indent != nested) continue;
    if (section == "runtime" && key == "name") project.runtime = value;
    if (section == "backend" && key == "url") project.backend_url = value;
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
    path = rest.empty() ? "/root/.pulumi" : "/root/" + rest;
  }
  if (path.front() != '/') {
    *error = "the backend URL '" + url +
             "' is relative; use an absolute path (file:///state) or the home folder (file://~)";
    return "";
  }
  // Pulumi keeps file://<folder>'s state in <folder>/.pulumi: a cache on / would hide the image.
  const std::string folder = std::filesystem::path(path).lexically_normal().string();
  if (folder.find_first_not_of('/') == std::string::npos) return "/.pulumi";
  return path;
}

}  // namespace pulumi
