#include "core/engine/compiler_choice.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace host {
namespace fs = std::filesystem;

namespace {

// The variables CMake reads to choose the compilers and their flags at the first configure.
constexpr const char* kCompilerVariables[] = {"CC", "CXX", "CFLAGS", "CXXFLAGS", "LDFLAGS"};

// Whether path is a regular file this process may execute.
bool Runnable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

// The program a CC or CXX value names, as CMake reads it: the whole value when it is a file,
// else its first word (the rest are flags).
std::string ProgramOf(const std::string& value) {
  std::error_code ec;
  if (fs::exists(value, ec)) return value;
  const size_t start = value.find_first_not_of(" \t");
  if (start == std::string::npos) return "";
  const size_t end = value.find_first_of(" \t", start);
  return value.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Whether program (a path, or a name looked up on search_path) can be run.
bool Found(const std::string& program, std::string_view search_path) {
  if (program.find('/') != std::string::npos) return Runnable(program);
  while (true) {
    const size_t colon = search_path.find(':');
    const std::string_view dir = search_path.substr(0, colon);
    if (!dir.empty() && Runnable(fs::path(dir) / program)) return true;
    if (colon == std::string_view::npos) return false;
    search_path.remove_prefix(colon + 1);
  }
}

}  // namespace

std::string CompilerChoice::Text() const {
  std::string text;
  for (const auto& [name, value] : variables) {
    text += name + "=";
    for (char c : value) {
      if (c == '\\') {
        text += "\\\\";
      } else if (c == '\n') {
        text += "\\n";
      } else {
        text += c;
      }
    }
    text += "\n";
  }
  return text;
}

std::vector<std::string> CompilerChoice::Environment() const {
  std::vector<std::string> env;
  for (const auto& [name, value] : variables) {
    if (!value.empty()) env.push_back(name + "=" + value);
  }
  return env;
}

std::string CompilerChoice::Summary() const {
  std::string summary;
  for (const std::string& entry : Environment()) summary += (summary.empty() ? "" : " ") + entry;
  return summary;
}

CompilerChoice CompilerChoiceFromEnvironment() {
  CompilerChoice choice;
  for (const char* name : kCompilerVariables) {
    const char* value = std::getenv(name);
    choice.variables.emplace_back(name, value == nullptr ? "" : value);
  }
  return choice;
}

std::string UnrunnableCompilers(const CompilerChoice& choice, std::string_view search_path) {
  // The build's PATH is shown only when it is not the user's (a sandboxed build's).
  const char* path = std::getenv("PATH");
  const std::string_view own_path = path == nullptr ? "" : path;
  std::string problems;
  for (const auto& [name, value] : choice.variables) {
    if ((name != "CC" && name != "CXX") || value.empty()) continue;
    const std::string program = ProgramOf(value);
    if (Found(program, search_path)) continue;
    problems += (problems.empty() ? "" : "; ") + name + " is '" + value + "', but " +
                (program.find('/') != std::string::npos
                     ? program + " is not an executable file"
                     : "no program '" + program + "' is on " +
                           (search_path == own_path
                                ? std::string("PATH")
                                : "the build's PATH (" + std::string(search_path) + ")")) +
                ": install that compiler, or set " + name + " to one that is installed (unset " +
                name + " for the default)";
  }
  return problems;
}

}  // namespace host
