#include "core/codegen/languages.h"

namespace host {
namespace {

const char* kCMakeTemplate = R"(cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES C CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

# host passes HOST_SDK_DIR when it builds the module; set it yourself to build by hand.
if(NOT HOST_SDK_DIR)
  set(HOST_SDK_DIR $ENV{HOST_SDK_DIR})
endif()
include(${HOST_SDK_DIR}/HostModule.cmake)

host_add_module(@NAME@ SOURCES @SOURCE@ LANGUAGE @LANGUAGE@)
)";

}  // namespace

int FirstOmittableArgument(const v1::FunctionDef& fn) {
  int first = fn.args_size();
  while (first > 0 &&
         (fn.args(first - 1).type().optional() || fn.args(first - 1).has_default_value())) {
    --first;
  }
  return first;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

std::string CMakeModuleProject(const std::string& name, const std::string& source,
                               const std::string& language) {
  return ReplaceAll(ReplaceAll(ReplaceAll(kCMakeTemplate, "@NAME@", name), "@SOURCE@", source),
                    "@LANGUAGE@", language);
}

const std::vector<const ModuleLanguage*>& Languages() {
  static const std::vector<const ModuleLanguage*> kAll = {
      &kCppLanguage, &kCLanguage, &kNodeLanguage, &kPythonLanguage, &kGoLanguage};
  return kAll;
}

std::filesystem::path CompanionPath(const ModuleLanguage& language,
                                    const std::filesystem::path& client_path) {
  return std::filesystem::path(client_path).replace_extension(language.companion_extension);
}

const ModuleLanguage* FindLanguage(std::string_view sdk) {
  for (const ModuleLanguage* language : Languages()) {
    if (sdk == language->sdk) return language;
  }
  return nullptr;
}

std::string LanguageChoices(bool need_init, bool need_client) {
  std::string out;
  for (const ModuleLanguage* language : Languages()) {
    if ((need_init && language->init_files == nullptr) ||
        (need_client && language->client == nullptr)) {
      continue;
    }
    out += (out.empty() ? "" : "|") + std::string(language->sdk);
  }
  return out;
}

}  // namespace host
