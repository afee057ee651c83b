// The semver module: semantic versions (https://semver.org) for release pipelines.
//   host -m semver call --version 1.4.2 next --commits "feat: add login" tag
#include <host/module.h>

#include <cctype>
#include <stdexcept>
#include <string>
#include <vector>

// Which part of a version to bump.
enum class Part { kMajor, kMinor, kPatch };

template <>
inline const host::EnumSpec<Part> host::enum_spec<Part>{
    "Part",
    "A part of a semantic version.",
    {{Part::kMajor, "MAJOR", "Incompatible changes."},
     {Part::kMinor, "MINOR", "New features, compatible."},
     {Part::kPatch, "PATCH", "Fixes, compatible."}}};

namespace {

int64_t ParseNumber(const std::string& text, const std::string& version, const char* what) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) {
    throw std::invalid_argument("'" + version + "' is not a semantic version: the " + what +
                                " number must be digits without a leading zero");
  }
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      throw std::invalid_argument("'" + version + "' is not a semantic version: the " + what +
                                  " number '" + text + "' is not a number");
    }
  }
  return std::stoll(text);
}

// Compares dot-separated pre-release identifiers as semver section 11 says.
int ComparePrerelease(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  if (a.empty()) return 1;  // a release ranks above its pre-releases
  if (b.empty()) return -1;
  size_t i = 0, j = 0;
  while (i <= a.size() && j <= b.size()) {
    size_t ei = a.find('.', i), ej = b.find('.', j);
    std::string x = a.substr(i, ei == std::string::npos ? std::string::npos : ei - i);
    std::string y = b.substr(j, ej == std::string::npos ? std::string::npos : ej - j);
    bool xn = !x.empty() && x.find_first_not_of("0123456789") == std::string::npos;
    bool yn = !y.empty() && y.find_first_not_of("0123456789") == std::string::npos;
    int c = 0;
    if (xn && yn) {
      c = x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : x.compare(y);
    } else if (xn != yn) {
      c = xn ? -1 : 1;
    } else {
      c = x.compare(y);
    }
    if (c != 0) return c < 0 ? -1 : 1;
    if (ei == std::string::npos || ej == std::string::npos) {
      if (ei == ej) return 0;
      return ei == std::string::npos ? -1 : 1;
    }
    i = ei + 1;
    j = ej + 1;
  }
  return 0;
}

}  // namespace

// A semantic version: MAJOR.MINOR.PATCH with an optional pre-release and build metadata.
struct Semver {
  int64_t major = 0;
  int64_t minor = 1;
  int64_t patch = 0;
  std::string prerelease;
  std::string build;

  static Semver Parse(const std::string& version) {
    std::string text = version;
    if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.erase(0, 1);
    Semver v;
    if (auto plus = text.find('+'); plus != std::string::npos) {
      v.build = text.substr(plus + 1);
      text.erase(plus);
    }
    if (auto dash = text.find('-'); dash != std::string::npos) {
      v.prerelease = text.substr(dash + 1);
      text.erase(dash);
      if (v.prerelease.empty()) {
        throw std::invalid_argument("'" + version + "' has an empty pre-release after '-'");
      }
    }
    auto dot1 = text.find('.');
    auto dot2 = dot1 == std::string::npos ? dot1 : text.find('.', dot1 + 1);
    if (dot1 == std::string::npos || dot2 == std::string::npos ||
        text.find('.', dot2 + 1) != std::string::npos) {
      throw std::invalid_argument("'" + version +
                                  "' is not a semantic version: expected MAJOR.MINOR.PATCH, "
                                  "for example 1.4.2");
    }
    v.major = ParseNumber(text.substr(0, dot1), version, "major");
    v.minor = ParseNumber(text.substr(dot1 + 1, dot2 - dot1 - 1), version, "minor");
    v.patch = ParseNumber(text.substr(dot2 + 1), version, "patch");
    return v;
  }

  std::string string() const {
    std::string s =
        std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (!prerelease.empty()) s += "-" + prerelease;
    if (!build.empty()) s += "+" + build;
    return s;
  }

  std::string tag(const std::string& prefix) const { return prefix + string(); }

  Semver bump(Part part) const {
    Semver v;
    v.major = major;
    v.minor = minor;
    v.patch = patch;
    // A pre-release of the target version is released rather than bumped past.
    bool release_only =
        !prerelease.empty() && ((part == Part::kPatch) || (part == Part::kMinor && patch == 0) ||
                                (part == Part::kMajor && patch == 0 && minor == 0));
    if (release_only) return v;
    if (part == Part::kMajor) {
      v.major += 1;
      v.minor = 0;
      v.patch = 0;
    } else if (part == Part::kMinor) {
      v.minor += 1;
      v.patch = 0;
    } else {
      v.patch += 1;
    }
    return v;
  }

  Semver bump_major() const { return bump(Part::kMajor); }
  Semver bump_minor() const { return bump(Part::kMinor); }
  Semver bump_patch() const { return bump(Part::kPatch); }

  Semver with_prerelease(const std::string& identifiers) const {
    Semver v = *this;
    v.prerelease = identifiers;
    return v;
  }

  Semver with_build(const std::string& metadata) const {
    Semver v = *this;
    v.build = metadata;
    return v;
  }

  Semver release() const { return with_prerelease("").with_build(""); }

  bool is_prerelease() const { return !prerelease.empty(); }

  int64_t compare(const std::string& other) const {
    Semver o = Parse(other);
    if (major != o.major) return major < o.major ? -1 : 1;
    if (minor != o.minor) return minor < o.minor ? -1 : 1;
    if (patch != o.patch) return patch < o.patch ? -1 : 1;
    return ComparePrerelease(prerelease, o.prerelease);
  }

  // The bump that conventional commit messages call for: a '!' after the type or a
  // "BREAKING CHANGE" footer is major, "feat" is minor, anything else is patch.
  Part part_for(const std::vector<std::string>& commits) const {
    Part part = Part::kPatch;
    for (const auto& message : commits) {
      std::string head = message.substr(0, message.find(':'));
      bool breaking = message.find("BREAKING CHANGE") != std::string::npos ||
                      (head.size() < message.size() && !head.empty() && head.back() == '!');
      if (breaking) return Part::kMajor;
      std::string type = head.substr(0, head.find('('));
      if (type == "feat") part = Part::kMinor;
    }
    return part;
  }

  Semver next(const std::vector<std::string>& commits) const { return bump(part_for(commits)); }
};

namespace {
Semver Make(const std::string& version) { return Semver::Parse(version); }
}  // namespace

HOST_MODULE("semver", m) {
  m.description(
      "Semantic versions for release pipelines: parse, compare, and bump from commit messages.");
  m.object<Semver>("Semver", "A semantic version: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].")
      .constructor(&Make, "Parses a version; a leading 'v' is allowed.",
                   {host::arg("version", "The version to start from.").def("0.1.0")})
      .field("major", &Semver::major, "The major number.")
      .field("minor", &Semver::minor, "The minor number.")
      .field("patch", &Semver::patch, "The patch number.")
      .field("prerelease", &Semver::prerelease, "The pre-release identifiers, without the '-'.")
      .field("build", &Semver::build, "The build metadata, without the '+'.")
      .function("string", &Semver::string, "The version as text.")
      .function("tag", &Semver::tag, "The version as a git tag.",
                {host::arg("prefix", "What goes before the version.").def("v")})
      .function("bump", &Semver::bump, "Bumps one part; lower parts restart at zero.",
                {host::arg("part", "The part to bump.")})
      .function("bump_major", &Semver::bump_major, "Bumps the major number.")
      .function("bump_minor", &Semver::bump_minor, "Bumps the minor number.")
      .function("bump_patch", &Semver::bump_patch, "Bumps the patch number.")
      .function("with_prerelease", &Semver::with_prerelease, "Sets the pre-release identifiers.",
                {host::arg("identifiers", "Dot-separated identifiers, such as rc.1.")})
      .function("with_build", &Semver::with_build, "Sets the build metadata.",
                {host::arg("metadata", "Dot-separated identifiers, such as a commit hash.")})
      .function("release", &Semver::release, "Drops the pre-release and build metadata.")
      .function("is_prerelease", &Semver::is_prerelease, "Whether this is a pre-release.")
      .function("compare", &Semver::compare,
                "Compares with another version by precedence: -1, 0 or 1.",
                {host::arg("other", "The version to compare with.")})
      .function("part_for", &Semver::part_for,
                "The part that conventional commit messages call for bumping.",
                {host::arg("commits", "Commit messages, newest first.")})
      .function("next", &Semver::next,
                "The next version after the given conventional commit messages.",
                {host::arg("commits", "Commit messages since this version.")});
}
