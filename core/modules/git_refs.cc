#include "core/modules/git_refs.h"

#include <algorithm>
#include <tuple>

#include "core/base/names.h"

namespace host::modules {
namespace {

bool IsHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return !text.empty();
}

bool IsDigits(std::string_view text) {
  if (text.empty() || text.size() > 18) return false;  // fits in uint64_t
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !(text.size() > 1 && text[0] == '0');
}

uint64_t Number(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  return value;
}

// "v1" or "v1.2" (the "v" optional): the major and, when given, the minor version.
std::optional<std::pair<uint64_t, std::optional<uint64_t>>> ParseConstraint(std::string_view text) {
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  const size_t dot = text.find('.');
  const std::string_view major = text.substr(0, dot);
  if (!IsDigits(major)) return std::nullopt;
  if (dot == std::string_view::npos) return std::make_pair(Number(major), std::nullopt);
  const std::string_view minor = text.substr(dot + 1);
  if (!IsDigits(minor)) return std::nullopt;
  return std::make_pair(Number(major), std::optional<uint64_t>(Number(minor)));
}

std::string Listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

Status NotFound(const RemoteRefs& refs, std::string_view repo, std::string_view subpath,
                std::string_view version, std::string_view what) {
  std::string message =
      std::string(repo) + " has no " + std::string(what) + " '" + std::string(version) + "'";
  if (!subpath.empty()) message += " for the module in " + std::string(subpath) + "/";
  const std::vector<std::string> nearest = NearestTags(refs, subpath, version);
  if (nearest.empty()) {
    message += "; it has no tags";
  } else {
    message += "; the nearest tags: " + Listed(nearest);
  }
  message +=
      "; write one of those after '@', a branch, a commit, or nothing for the default "
      "branch";
  return Status::Failed(message);
}

// Whether a ref name from a server is one git could have made (no control characters, spaces
// or characters that git's ref names refuse, except a peeled tag's "^{}"), and not too long.
bool IsSafeRefName(std::string_view name) {
  if (name.size() > 3 && name.substr(name.size() - 3) == "^{}") name.remove_suffix(3);
  if (name.empty() || name.size() > 1024) return false;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' ||
        c == '[' || c == '\\') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsFullCommit(std::string_view text) { return text.size() == 40 && IsHex(text); }

bool IsShortCommit(std::string_view text) {
  return text.size() >= 7 && text.size() < 40 && IsHex(text);
}

std::optional<SemVer> ParseSemVer(std::string_view text) {
  SemVer version;
  if (!text.empty() && text[0] == 'v') {
    version.has_v = true;
    text.remove_prefix(1);
  }
  if (const size_t plus = text.find('+'); plus != std::string_view::npos) {
    const std::string_view build = text.substr(plus + 1);
    if (build.empty()) return std::nullopt;
    text = text.substr(0, plus);
  }
  if (const size_t dash = text.find('-'); dash != std::string_view::npos) {
    version.prerelease = std::string(text.substr(dash + 1));
    if (version.prerelease.empty()) return std::nullopt;
    for (char c : version.prerelease) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            c == '.' || c == '-')) {
        return std::nullopt;
      }
    }
    text = text.substr(0, dash);
  }
  const size_t first = text.find('.');
  const size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view major = text.substr(0, first);
  const std::string_view minor = text.substr(first + 1, second - first - 1);
  const std::string_view patch = text.substr(second + 1);
  if (!IsDigits(major) || !IsDigits(minor) || !IsDigits(patch)) return std::nullopt;
  version.major = Number(major);
  version.minor = Number(minor);
  version.patch = Number(patch);
  return version;
}

Result<RemoteRefs> ParseLsRemote(std::string_view text) {
  RemoteRefs refs;
  std::string head_target;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      return Status::Failed("git ls-remote printed a line without a tab: '" +
                            std::string(line.substr(0, 100)) + "'");
    }
    const std::string_view left = line.substr(0, tab);
    const std::string_view name = line.substr(tab + 1);
    if (left.substr(0, 5) == "ref: ") {
      if (name == "HEAD") head_target = std::string(left.substr(5));
      continue;
    }
    if (!IsFullCommit(left)) {
      return Status::Failed("git ls-remote printed an object id that is not 40 hex digits: '" +
                            std::string(line.substr(0, 100)) + "'");
    }
    const std::string commit(left);
    if (!IsSafeRefName(name)) continue;  // git never makes such names: a hostile server's
    if (name == "HEAD") {
      refs.head_commit = commit;
    } else if (name.substr(0, 11) == "refs/heads/") {
      refs.branches[std::string(name.substr(11))] = commit;
    } else if (name.substr(0, 10) == "refs/tags/") {
      std::string_view tag = name.substr(10);
      const bool peeled = tag.size() > 3 && tag.substr(tag.size() - 3) == "^{}";
      if (peeled) {
        tag.remove_suffix(3);
        refs.tags[std::string(tag)] = commit;  // the commit an annotated tag names
      } else {
        refs.tags.emplace(std::string(tag), commit);  // kept unless its peeled line follows
      }
    }
  }
  if (head_target.substr(0, 11) == "refs/heads/") refs.head_branch = head_target.substr(11);
  return refs;
}

std::vector<std::string> NearestTags(const RemoteRefs& refs, std::string_view subpath,
                                     std::string_view version, size_t count) {
  const std::string prefixed = subpath.empty() ? "" : std::string(subpath) + "/";
  std::vector<std::tuple<size_t, bool, std::string>> scored;  // distance, other folder, name
  size_t seen = 0;
  for (const auto& [tag, commit] : refs.tags) {
    if (++seen > 10000) break;  // bounded work for a hostile server's refs
    const bool ours = !prefixed.empty() && tag.compare(0, prefixed.size(), prefixed) == 0;
    const std::string_view bare =
        ours ? std::string_view(tag).substr(prefixed.size()) : std::string_view(tag);
    if (bare.size() > 100) continue;
    scored.emplace_back(EditDistance(bare, version.substr(0, 100)), !ours && !prefixed.empty(),
                        tag);
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<1>(a), std::get<0>(a), std::get<2>(a)) <
           std::tie(std::get<1>(b), std::get<0>(b), std::get<2>(b));
  });
  std::vector<std::string> names;
  for (size_t i = 0; i < scored.size() && i < count; ++i) names.push_back(std::get<2>(scored[i]));
  return names;
}

Result<std::optional<Resolution>> ResolveVersion(const RemoteRefs& refs, std::string_view repo,
                                                 std::string_view subpath,
                                                 std::string_view version) {
  const std::string prefixed = subpath.empty() ? "" : std::string(subpath) + "/";
  auto tag = [&](const std::string& name) -> std::optional<Resolution> {
    auto it = refs.tags.find(name);
    if (it == refs.tags.end()) return std::nullopt;
    return Resolution{it->second, name, "refs/tags/" + name, ResolutionKind::kTag};
  };
  if (version.empty()) {
    if (refs.head_commit.empty()) {
      return Status::Failed(std::string(repo) +
                            " has no default branch (HEAD); write a tag, branch or commit after "
                            "'@'");
    }
    const std::string branch = refs.head_branch.empty() ? "HEAD" : refs.head_branch;
    return std::optional<Resolution>(Resolution{
        refs.head_commit, branch, refs.head_branch.empty() ? "HEAD" : "refs/heads/" + branch,
        ResolutionKind::kMoving});
  }
  const std::string written(version);
  if (IsFullCommit(version)) {
    return std::optional<Resolution>(
        Resolution{written, written, written, ResolutionKind::kCommit});
  }
  if (std::optional<SemVer> semver = ParseSemVer(version)) {
    // As written first (in the module's folder, then at the top), then with or without the "v".
    const std::string other = semver->has_v ? written.substr(1) : "v" + written;
    for (const std::string& name : {written, other}) {
      if (!prefixed.empty()) {
        if (auto found = tag(prefixed + name)) return std::optional<Resolution>(*found);
      }
      if (auto found = tag(name)) return std::optional<Resolution>(*found);
    }
  } else if (auto constraint = ParseConstraint(version)) {
    // The highest release among the module folder's "v" tags, else among the top-level ones.
    auto pick = [&](const std::string& prefix, bool* any) -> std::optional<Resolution> {
      std::optional<Resolution> best;
      std::tuple<uint64_t, uint64_t, uint64_t> best_version{};
      for (const auto& [name, commit] : refs.tags) {
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string_view rest = std::string_view(name).substr(prefix.size());
        if (rest.empty() || rest[0] != 'v') continue;
        const std::optional<SemVer> candidate = ParseSemVer(rest);
        if (!candidate) continue;
        *any = true;
        if (!candidate->prerelease.empty() || candidate->major != constraint->first) continue;
        if (constraint->second && candidate->minor != *constraint->second) continue;
        const auto key = std::make_tuple(candidate->major, candidate->minor, candidate->patch);
        if (!best || key > best_version) {
          best = Resolution{commit, name, "refs/tags/" + name, ResolutionKind::kMoving};
          best_version = key;
        }
      }
      return best;
    };
    bool any = false;
    std::optional<Resolution> best;
    if (!prefixed.empty()) best = pick(prefixed, &any);
    if (!any) best = pick("", &any);
    if (best) return std::optional<Resolution>(*best);
  }
  if (auto it = refs.branches.find(written); it != refs.branches.end()) {
    return std::optional<Resolution>(
        Resolution{it->second, written, "refs/heads/" + written, ResolutionKind::kMoving});
  }
  if (!prefixed.empty()) {
    if (auto found = tag(prefixed + written)) return std::optional<Resolution>(*found);
  }
  if (auto found = tag(written)) return std::optional<Resolution>(*found);
  if (IsShortCommit(version)) {
    std::string match;
    bool ambiguous = false;
    auto consider = [&](const std::string& commit) {
      if (commit.compare(0, written.size(), written) != 0 || commit == match) return;
      ambiguous = ambiguous || !match.empty();
      match = commit;
    };
    for (const auto& [name, commit] : refs.tags) consider(commit);
    for (const auto& [name, commit] : refs.branches) consider(commit);
    consider(refs.head_commit);
    if (ambiguous) {
      return Status::Failed("the commit '" + written + "' is ambiguous in " + std::string(repo) +
                            "; write more of its digits");
    }
    if (!match.empty()) {
      return std::optional<Resolution>(Resolution{match, written, match, ResolutionKind::kCommit});
    }
    return std::optional<Resolution>();  // look for it in the history
  }
  const char* what = ParseSemVer(version)       ? "tag"
                     : ParseConstraint(version) ? "release matching"
                                                : "tag, branch or commit";
  return NotFound(refs, repo, subpath, version, what);
}

}  // namespace host::modules
