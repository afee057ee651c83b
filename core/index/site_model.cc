#include "core/index/site_model.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/base/sha256.h"
#include "core/index/json_access.h"
#include "core/index/site.h"

namespace host::index {

namespace {

std::string ShortHash(const std::string& text, size_t digits) {
  return Sha256Hex(text).substr(0, digits);
}

std::string VersionSlug(const std::string& version) {
  std::string slug = SlugFrom(version);
  // No ".." inside, so that "A..B" diff file names cannot be read two ways.
  for (size_t at = slug.find(".."); at != std::string::npos; at = slug.find(".."))
    slug[at + 1] = '-';
  if (slug.empty() || slug[0] < '0' || slug[0] > '9') slug = "v-" + slug;
  return slug;
}

}  // namespace

std::string SlugFrom(const std::string& text) {
  std::string slug;
  for (char c : text) {
    if (slug.size() >= 64) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool safe =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    slug += safe ? c : '-';
  }
  if (slug.empty() || slug[0] == '.') slug = "m-" + slug;
  return slug;
}

std::string DependencyRepository(const std::string& reference) {
  const std::string scheme = "oci://";
  if (reference.compare(0, scheme.size(), scheme) != 0) return "";
  std::string rest = reference.substr(scheme.size());
  rest = rest.substr(0, rest.find('@'));
  const size_t slash = rest.rfind('/');
  const size_t colon = rest.find(':', slash == std::string::npos ? 0 : slash);
  if (slash != std::string::npos && colon != std::string::npos) rest = rest.substr(0, colon);
  return rest;
}

bool IsPrerelease(const std::string& version) {
  const std::string core = version.substr(0, version.find('+'));
  return core.find('-') != std::string::npos;
}

long SiteModel::Find(const std::string& repository) const {
  auto found = by_repository.find(repository);
  return found == by_repository.end() ? -1 : static_cast<long>(found->second);
}

SiteModel BuildSiteModel(const nlohmann::json& catalog) {
  SiteModel model;
  for (const nlohmann::json& module : ArrayAt(catalog, "modules")) {
    if (model.modules.size() >= kMaxSiteModules) break;
    if (!module.is_object()) continue;
    SiteModule site;
    site.json = &module;
    site.repository = Cut(StringAt(module, "repository"), 512);
    site.name = Cut(StringAt(module, "name"), 128);
    if (site.name.empty()) site.name = site.repository.substr(site.repository.rfind('/') + 1);
    if (site.name.empty()) continue;
    std::set<std::string> version_slugs;
    for (const nlohmann::json& version : ArrayAt(module, "versions")) {
      if (site.versions.size() >= kMaxSiteVersions) break;
      SiteVersion entry;
      entry.json = &version;
      entry.version = Cut(StringAt(version, "version"), 128);
      if (entry.version.empty()) continue;
      entry.slug = VersionSlug(entry.version);
      if (!version_slugs.insert(entry.slug).second) {
        entry.slug +=
            "-" + ShortHash(entry.version + "\n" + std::to_string(site.versions.size()), 10);
        if (!version_slugs.insert(entry.slug).second) continue;
      }
      entry.created = Cut(StringAt(version, "created"), 40);
      entry.prerelease = IsPrerelease(entry.version);
      entry.yanked = Member(version, "yanked").is_object();
      site.versions.push_back(std::move(entry));
    }
    if (site.versions.empty()) continue;
    size_t latest = site.versions.size();
    for (size_t i = 0; i < site.versions.size() && latest == site.versions.size(); ++i) {
      if (!site.versions[i].yanked && !site.versions[i].prerelease) latest = i;
    }
    for (size_t i = 0; i < site.versions.size() && latest == site.versions.size(); ++i) {
      if (!site.versions[i].yanked) latest = i;
    }
    site.latest = latest == site.versions.size() ? 0 : latest;
    model.modules.push_back(std::move(site));
  }

  // Slugs: the name's, with a hash of the repository when several modules share a name.
  std::map<std::string, size_t> base_count;
  for (const SiteModule& module : model.modules) ++base_count[SlugFrom(module.name)];
  std::set<std::string> taken;
  for (SiteModule& module : model.modules) {
    const std::string base = SlugFrom(module.name);
    std::string slug = base;
    if (base_count[base] > 1) slug = base + "-" + ShortHash(module.repository, 8);
    for (size_t digits = 12; !taken.insert(slug).second; digits += 4) {
      slug = base + "-" + ShortHash(module.repository + "#" + std::to_string(digits), 8) +
             std::to_string(taken.size());
    }
    module.slug = slug;
  }

  // Used by: modules whose latest version names this one's repository as a dependency.
  std::map<std::string, size_t>& by_repository = model.by_repository;
  for (size_t i = 0; i < model.modules.size(); ++i) {
    by_repository.emplace(model.modules[i].repository, i);
  }
  for (size_t i = 0; i < model.modules.size(); ++i) {
    std::set<size_t> seen;
    size_t count = 0;
    for (const nlohmann::json& dependency :
         ArrayAt(*model.modules[i].Latest().json, "dependencies")) {
      if (++count > 200) break;
      if (!dependency.is_string()) continue;
      auto found = by_repository.find(DependencyRepository(dependency.get<std::string>()));
      if (found == by_repository.end() || found->second == i) continue;
      if (seen.insert(found->second).second) model.modules[found->second].used_by.push_back(i);
    }
  }
  return model;
}

}  // namespace host::index
