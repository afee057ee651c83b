// Fuzzes module references as users and module.json files write them: the input's lines before a
// line "===" are module_sources rewrites "PREFIX => REPLACEMENT", the rest is the reference. An
// accepted git reference must be well-formed (a repository, a URL with a scheme, a subfolder
// without empty, '.', '..' or option-like parts, a version git cannot take for an option); an
// accepted OCI reference has a registry, a repository, and a tag or a digest. Parsing twice
// gives the same result.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/modules/module_ref.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using host::fuzz::Expect;
using host::modules::ModuleRef;
using host::modules::RefKind;

bool Clean(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

void CheckGit(const ModuleRef& ref, bool rewritten) {
  const auto& git = ref.git;
  Expect(!git.repo.empty(), "a git reference without a repository");
  Expect(!git.url.empty(), "a git reference without a URL");
  Expect(git.url.find("://") != std::string::npos, "a git URL without a scheme");
  if (!rewritten) {
    Expect(git.url.rfind("https://", 0) == 0 || git.url.rfind("http://", 0) == 0 ||
               git.url.rfind("ssh://", 0) == 0,
           "a git URL with another scheme than https, http or ssh");
    Expect(Clean(git.url), "a git URL with a space or control character");
  }
  if (!git.subpath.empty()) {
    size_t start = 0;
    while (start <= git.subpath.size()) {
      size_t end = git.subpath.find('/', start);
      if (end == std::string::npos) end = git.subpath.size();
      const std::string_view part = std::string_view(git.subpath).substr(start, end - start);
      Expect(!part.empty() && part != "." && part != "..", "a subfolder with '.', '..' or '//'");
      Expect(part.front() != '-', "a subfolder part that git could take for an option");
      start = end + 1;
    }
  }
  if (!git.version.empty()) {
    Expect(git.version.front() != '-', "a version that git could take for an option");
    Expect(Clean(git.version) && git.version.find('@') == std::string::npos &&
               git.version.find("..") == std::string::npos,
           "a version with a space, control character, '@' or '..'");
  }
  Expect(!ref.Unversioned().empty(), "a git reference without an unversioned form");
}

void CheckOci(const ModuleRef& ref) {
  Expect(!ref.oci.registry.empty() && !ref.oci.repository.empty(),
         "an OCI reference without registry or repository");
  Expect(!ref.oci.tag.empty() || !ref.oci.digest.empty(),
         "an OCI reference with neither tag nor "
         "digest");
  Expect(ref.oci.digest.empty() || ref.oci.digest.size() == 71, "a digest of the wrong length");
  Expect(Clean(ref.oci.registry + ref.oci.repository + ref.oci.tag),
         "an OCI reference with a "
         "space or control character");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> rewrites;
  std::string text = input;
  if (const size_t split = input.find("\n===\n"); split != std::string::npos) {
    text = input.substr(split + 5);
    size_t start = 0;
    while (start < split) {
      size_t end = input.find('\n', start);
      if (end == std::string::npos || end > split) end = split;
      const std::string line = input.substr(start, end - start);
      if (const size_t arrow = line.find(" => "); arrow != std::string::npos) {
        rewrites[line.substr(0, arrow)] = line.substr(arrow + 4);
      }
      start = end + 1;
    }
  }
  host::Result<ModuleRef> ref = host::modules::ParseModuleRef(text, rewrites);
  host::Result<ModuleRef> again = host::modules::ParseModuleRef(text, rewrites);
  Expect(ref.ok() == again.ok(), "parsing twice gives different answers");
  if (!ref.ok()) {
    Expect(!ref.status().message().empty(), "an error without a message");
    Expect(ref.status().message().size() < 2000, "an error message longer than 2000 bytes");
    return 0;
  }
  Expect(ref->text == text, "the reference's text is not what was written");
  Expect(ref->Unversioned() == again->Unversioned(), "parsing twice gives different references");
  if (ref->kind == RefKind::kGit) CheckGit(*ref, !rewrites.empty());
  if (ref->kind == RefKind::kOci) CheckOci(*ref);
  // Whether it is remote looks at the file system for paths; it must not crash on any text.
  (void)host::modules::IsRemoteRef(text);
  return 0;
}
