#include "core/modules/module_ref.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace host::modules {
namespace {

// Longer references are refused: they are input from users and from other modules' manifests.
constexpr size_t kMaxRefLength = 4096;

constexpr std::string_view kForms =
    "; accepted forms: HOST/OWNER/REPO[.git][/SUBPATH][@VERSION] (optionally with https://, "
    "http://, ssh:// or git@ in front), oci://REGISTRY/NAMESPACE/NAME:TAG, "
    "oci://REGISTRY/NAMESPACE/NAME@sha256:<64 hex digits>";

// The reference as shown in errors: non-printable bytes escaped, long texts cut.
std::string Shown(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < 200; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > 200) out += "...";
  return out;
}

Status Malformed(std::string_view text, const std::string& what) {
  return Status::Usage("cannot read the module reference '" + Shown(text) + "': " + what +
                       std::string(kForms));
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string Join(const std::vector<std::string_view>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (i > from) out += '/';
    out += parts[i];
  }
  return out;
}

// "" when host is a host name or address with an optional port, else what is wrong with it.
std::string HostProblem(std::string_view host) {
  if (host.empty()) return "the host is empty";
  std::string_view name = host;
  if (const size_t colon = host.find(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5)
      return "the port of '" + std::string(host) + "' is invalid";
    for (char c : port) {
      if (!IsDigit(c)) return "the port of '" + std::string(host) + "' is invalid";
    }
    if (std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
      return "the port of '" + std::string(host) + "' is out of range";
    }
  }
  if (name.empty()) return "the host is empty";
  if (!IsAlnum(name.front())) return "the host '" + std::string(host) + "' is invalid";
  for (char c : name) {
    if (!IsAlnum(c) && c != '.' && c != '-') {
      return "the host '" + std::string(host) + "' has the character '" + std::string(1, c) + "'";
    }
  }
  return "";
}

// "" when segment may be part of a repository path or subpath, else what is wrong with it.
std::string SegmentProblem(std::string_view segment) {
  if (segment.empty()) return "it has an empty path part ('//' or a '/' at an end)";
  if (segment == "." || segment == "..") return "'.' and '..' are not allowed in its path";
  if (segment.front() == '-') return "a path part cannot start with '-'";
  for (char c : segment) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-' && c != '~' && c != '+') {
      return "the character '" + std::string(1, c) + "' is not allowed in its path";
    }
  }
  return "";
}

// "" when version may follow '@', else what is wrong with it.
std::string VersionProblem(std::string_view version) {
  if (version.empty()) return "the version after '@' is empty";
  if (version.size() > 255) return "the version is longer than 255 characters";
  if (version.front() == '-' || version.front() == '/' || version.front() == '.' ||
      version.back() == '/' || version.back() == '.') {
    return "the version '" + std::string(version) + "' cannot start or end with '-', '/' or '.'";
  }
  if (version.find("..") != std::string_view::npos ||
      version.find("//") != std::string_view::npos) {
    return "the version '" + std::string(version) + "' has '..' or '//'";
  }
  for (char c : version) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '/' && c != '+' && c != '-') {
      return "the version has the character '" + std::string(1, c) +
             "' (allowed: letters, digits and . _ / + -)";
    }
  }
  return "";
}

// One OCI repository path component: [a-z0-9]+ joined by '.', '_', '__' or runs of '-'.
bool IsOciComponent(std::string_view part) {
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || IsDigit(c); };
  if (part.empty() || part.size() > 128 || !word(part.front())) return false;
  size_t i = 0;
  while (i < part.size()) {
    while (i < part.size() && word(part[i])) ++i;
    if (i == part.size()) return true;
    if (part[i] == '.') {
      ++i;
    } else if (part[i] == '_') {
      ++i;
      if (i < part.size() && part[i] == '_') ++i;
    } else if (part[i] == '-') {
      while (i < part.size() && part[i] == '-') ++i;
    } else {
      return false;
    }
    if (i == part.size() || !word(part[i])) return false;
  }
  return true;
}

bool IsOciTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  if (!IsAlnum(tag.front()) && tag.front() != '_') return false;
  for (char c : tag) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool IsSha256Digest(std::string_view digest) {
  if (!StartsWith(digest, "sha256:") || digest.size() != 7 + 64) return false;
  for (char c : digest.substr(7)) {
    if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

Result<ModuleRef> ParseOci(std::string_view text) {
  std::string_view rest = text.substr(6);  // after "oci://"
  ModuleRef ref;
  ref.kind = RefKind::kOci;
  ref.text = std::string(text);
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    const std::string_view digest = rest.substr(at + 1);
    if (!IsSha256Digest(digest)) {
      return Malformed(text, "the digest after '@' must be sha256: and 64 lowercase hex digits");
    }
    ref.oci.digest = std::string(digest);
    rest = rest.substr(0, at);
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Malformed(text, "it names no repository after the registry");
  }
  const std::string_view registry = rest.substr(0, slash);
  if (std::string problem = HostProblem(registry); !problem.empty()) {
    return Malformed(text, "the registry is invalid: " + problem);
  }
  ref.oci.registry = std::string(registry);
  std::string_view repository = rest.substr(slash + 1);
  if (const size_t colon = repository.rfind(':'); colon != std::string_view::npos) {
    const std::string_view tag = repository.substr(colon + 1);
    if (!IsOciTag(tag)) {
      return Malformed(text, "the tag '" + std::string(tag) +
                                 "' is invalid (letters, digits, '_', '.', '-'; at most 128)");
    }
    ref.oci.tag = std::string(tag);
    repository = repository.substr(0, colon);
  }
  if (repository.empty() || repository.size() > 255) {
    return Malformed(text, "the repository name is empty or longer than 255 characters");
  }
  for (std::string_view part : Split(repository, '/')) {
    if (!IsOciComponent(part)) {
      return Malformed(text, "the repository part '" + std::string(part) +
                                 "' is invalid (lowercase letters and digits, separated by "
                                 "'.', '_', '__' or '-')");
    }
  }
  ref.oci.repository = std::string(repository);
  if (ref.oci.tag.empty() && ref.oci.digest.empty()) {
    return Malformed(text, "it needs a tag (':1.2.0') or a digest ('@sha256:...')");
  }
  return ref;
}

// The rewrite whose prefix is the longest that name starts with on a '/' boundary; nullptr when
// none does.
const std::pair<const std::string, std::string>* FindRewrite(
    std::string_view name, const std::map<std::string, std::string>& rewrites, size_t* length) {
  const std::pair<const std::string, std::string>* best = nullptr;
  size_t best_length = 0;
  for (const auto& entry : rewrites) {
    std::string_view prefix = entry.first;
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    if (prefix.empty() || !StartsWith(name, prefix)) continue;
    if (name.size() != prefix.size() && name[prefix.size()] != '/') continue;
    if (best == nullptr || prefix.size() > best_length) {
      best = &entry;
      best_length = prefix.size();
    }
  }
  *length = best_length;
  return best;
}

Result<ModuleRef> ParseGit(std::string_view text,
                           const std::map<std::string, std::string>& rewrites) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Malformed(text, "it has a control character");
    if (c == ' ') return Malformed(text, "it has a space");
  }
  std::string scheme;  // "https", "http" or "ssh"
  std::string user;    // ssh: "git"
  std::string_view rest = text;
  bool scp_like = false;
  if (StartsWith(rest, "https://")) {
    scheme = "https";
    rest.remove_prefix(8);
  } else if (StartsWith(rest, "http://")) {
    scheme = "http";
    rest.remove_prefix(7);
  } else if (StartsWith(rest, "ssh://")) {
    scheme = "ssh";
    rest.remove_prefix(6);
  } else if (StartsWith(rest, "git@")) {
    scheme = "ssh";
    user = "git";
    rest.remove_prefix(4);
    const size_t colon = rest.find(':');
    const size_t slash = rest.find('/');
    scp_like =
        colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
  } else if (rest.find("://") != std::string_view::npos) {
    return Malformed(text, "its scheme is not one of https://, http://, ssh:// or oci://");
  }
  // User information: only ssh takes a user name; credentials never belong in a reference.
  {
    const size_t slash = rest.find('/');
    const size_t at = rest.find('@');
    if (!scp_like && at != std::string_view::npos &&
        (slash == std::string_view::npos || at < slash)) {
      const std::string_view info = rest.substr(0, at);
      if (scheme != "ssh" || !user.empty()) {
        return Malformed(text,
                         "user names and passwords do not belong in a reference; give a "
                         "token as a secret or use git's credential helpers");
      }
      if (info.empty() || info.find(':') != std::string_view::npos) {
        return Malformed(text, "the ssh user name is empty or has a password");
      }
      for (char c : info) {
        if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') {
          return Malformed(text, "the ssh user name has the character '" + std::string(1, c) + "'");
        }
      }
      user = std::string(info);
      rest.remove_prefix(at + 1);
    }
  }
  ModuleRef ref;
  ref.kind = RefKind::kGit;
  ref.text = std::string(text);
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    const std::string_view version = rest.substr(at + 1);
    if (std::string problem = VersionProblem(version); !problem.empty()) {
      return Malformed(text, problem);
    }
    ref.git.version = std::string(version);
    rest = rest.substr(0, at);
  }
  // The name without scheme and version: "HOST/PATH".
  std::string name;
  std::string_view host;
  std::string_view path;
  if (scp_like) {
    const size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    path = rest.substr(colon + 1);
  } else {
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
      return Malformed(text, "it names a host but no repository");
    }
    host = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (std::string problem = HostProblem(host); !problem.empty()) return Malformed(text, problem);
  if (scp_like && host.find(':') != std::string_view::npos) {
    return Malformed(text, "the host is invalid");
  }
  const std::vector<std::string_view> segments = Split(path, '/');
  for (std::string_view segment : segments) {
    if (std::string problem = SegmentProblem(segment); !problem.empty()) {
      return Malformed(text, problem);
    }
  }
  // Where the repository ends: at the first segment ending in ".git", else after two segments.
  size_t repo_end = 0;
  bool git_suffix = false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (EndsWith(segments[i], ".git")) {
      if (segments[i] == ".git") return Malformed(text, "a repository name is only '.git'");
      repo_end = i + 1;
      git_suffix = true;
      break;
    }
  }
  if (repo_end == 0) {
    if (segments.size() < 2) {
      return Malformed(text, "it needs an owner and a repository after the host");
    }
    repo_end = 2;
  }
  const std::string repo_path = Join(segments, 0, repo_end);  // as written, ".git" included
  std::string repo_name = repo_path;
  if (git_suffix) repo_name.resize(repo_name.size() - 4);
  ref.git.repo = std::string(host) + "/" + repo_name;
  ref.git.subpath = Join(segments, repo_end, segments.size());
  ref.git.try_git_suffix = !git_suffix;
  name = std::string(host) + "/" + Join(segments, 0, segments.size());

  size_t prefix_length = 0;
  const auto* rewrite = FindRewrite(name, rewrites, &prefix_length);
  if (rewrite != nullptr) {
    std::string base = rewrite->second;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (base.empty()) return Malformed(text, "the module_sources rewrite of its prefix is empty");
    if (base.find("://") == std::string::npos) base = "https://" + base;
    const size_t written_repo_length = host.size() + 1 + repo_path.size();
    if (prefix_length <= written_repo_length) {
      ref.git.url = base + name.substr(prefix_length, written_repo_length - prefix_length);
    } else {
      // The prefix reaches into the subfolder: the replacement is the repository itself.
      ref.git.url = base;
      ref.git.repo = name.substr(0, prefix_length);
      if (EndsWith(ref.git.repo, ".git")) ref.git.repo.resize(ref.git.repo.size() - 4);
      ref.git.subpath = prefix_length == name.size() ? "" : name.substr(prefix_length + 1);
      ref.git.try_git_suffix = !EndsWith(base, ".git");
    }
    return ref;
  }
  if (scheme.empty()) scheme = "https";
  ref.git.url =
      scheme + "://" + (user.empty() ? "" : user + "@") + std::string(host) + "/" + repo_path;
  return ref;
}

// Whether the first path segment of text looks like a host and there are at least three.
bool LooksLikeHostPath(std::string_view text) {
  const std::string_view name = text.substr(0, text.find('@'));
  const std::vector<std::string_view> segments = Split(name, '/');
  if (segments.size() < 3) return false;
  const std::string_view first = segments.front();
  if (first.empty() || first == "." || first == "..") return false;
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos;
}

bool HasRemoteScheme(std::string_view text) {
  return StartsWith(text, "oci://") || StartsWith(text, "https://") ||
         StartsWith(text, "http://") || StartsWith(text, "ssh://") || StartsWith(text, "git@");
}

}  // namespace

std::string ModuleRef::Unversioned() const {
  switch (kind) {
    case RefKind::kGit:
      return git.subpath.empty() ? git.repo : git.repo + "/" + git.subpath;
    case RefKind::kOci:
      return "oci://" + oci.registry + "/" + oci.repository;
    case RefKind::kLocal:
      break;
  }
  return text;
}

bool IsRemoteRef(std::string_view text) {
  if (text.empty() || text.size() > kMaxRefLength) return false;
  if (text.find('\0') == std::string_view::npos) {
    std::error_code error;
    if (std::filesystem::symlink_status(std::filesystem::path(text), error).type() !=
            std::filesystem::file_type::not_found &&
        !error) {
      return false;
    }
  }
  return HasRemoteScheme(text) || LooksLikeHostPath(text);
}

Result<ModuleRef> ParseModuleRef(std::string_view text,
                                 const std::map<std::string, std::string>& rewrites) {
  if (text.empty()) return Malformed(text, "it is empty");
  if (text.size() > kMaxRefLength) return Malformed(text, "it is longer than 4096 characters");
  if (StartsWith(text, "oci://")) {
    for (char c : text) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f) return Malformed(text, "it has a space or a control character");
    }
    return ParseOci(text);
  }
  if (HasRemoteScheme(text) || LooksLikeHostPath(text)) return ParseGit(text, rewrites);
  ModuleRef ref;
  ref.kind = RefKind::kLocal;
  ref.text = std::string(text);
  return ref;
}

}  // namespace host::modules
