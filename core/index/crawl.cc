// CrawlRegistries (core/index/crawl.h): lists repositories and tags, resolves semver tags to
// module indexes, reads each version (crawl_version.cc) on a small pool of threads, and assembles
// the catalog.
#include "core/index/crawl.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>

#include "core/base/time_text.h"
#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "core/index/crawl_parts.h"
#include "core/modules/oci_module.h"

namespace host::index {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// One registry to crawl: its host and the repository prefix (may be empty).
struct Source {
  std::string registry;
  std::string prefix;
};

// One repository found and what its tags say.
struct Repository {
  std::string registry;
  std::string name;
  std::vector<std::pair<std::string, VersionTag>> version_tags;  // semver tags
  std::set<std::string> tags;                                    // every tag read
  bool listed = false;
};

// "REGISTRY" or "REGISTRY/NAMESPACE" (an "oci://" in front is allowed).
Result<Source> ParseSource(std::string text) {
  if (text.rfind("oci://", 0) == 0) text.erase(0, 6);
  while (!text.empty() && text.back() == '/') text.pop_back();
  Source out;
  const size_t slash = text.find('/');
  out.registry = text.substr(0, slash);
  if (slash != std::string::npos) out.prefix = text.substr(slash + 1);
  const bool registry_ok = !out.registry.empty() && out.registry.size() <= 255 &&
                           out.registry.find_first_of(" ?#@\\\"") == std::string::npos &&
                           out.registry.find("://") == std::string::npos;
  if (!registry_ok || (!out.prefix.empty() && !images::IsRepositoryPath(out.prefix))) {
    return Status::Usage("\"" + text + "\" is not a registry to crawl: give REGISTRY[:PORT] or " +
                         "REGISTRY[:PORT]/NAMESPACE");
  }
  return out;
}

// Whether repository lies under prefix ("" takes all).
bool UnderPrefix(const std::string& repository, const std::string& prefix) {
  if (prefix.empty()) return true;
  return repository == prefix ||
         (repository.size() > prefix.size() && repository.compare(0, prefix.size(), prefix) == 0 &&
          repository[prefix.size()] == '/');
}

// A resolved semver tag that holds a module index.
struct Resolved {
  size_t repository = 0;
  std::string tag;
  VersionTag version;
  std::string digest;
  json index;
};

}  // namespace

Result<json> CrawlRegistries(const CrawlOptions& options, images::RegistryClient& client) {
  if (options.registries.empty()) return Status::Usage("name at least one registry to crawl");
  if (options.state_dir.empty()) return Status::Usage("the crawl needs a state folder");
  std::vector<Source> sources;
  for (const std::string& text : options.registries) {
    Result<Source> source = ParseSource(text);
    if (!source.ok()) return source.status();
    sources.push_back(*source);
  }
  std::error_code ec;
  fs::create_directories(options.state_dir, ec);
  if (ec) {
    return Status::Failed("cannot create the crawl's state folder " + options.state_dir.string() +
                          ": " + ec.message());
  }
  // A cache: blobs are not synced (a torn one fails its digest check and is fetched again).
  const images::ContentStore store(options.state_dir, Durability::kPageCache);
  Problems problems(kMaxCrawlProblems);
  const int parallel = std::clamp(options.parallel, 1, 64);

  // The repositories of each registry (their catalogs, read in parallel).
  std::vector<Result<std::vector<std::string>>> catalogs(sources.size(),
                                                         Status::Failed("not listed"));
  ParallelFor(
      sources.size(), parallel,
      [&](size_t i) { catalogs[i] = client.ListRepositories(sources[i].registry); },
      [&](size_t i, const std::string& what) { catalogs[i] = Status::Failed(what); });
  std::vector<Repository> repositories;
  std::set<std::pair<std::string, std::string>> seen;
  size_t listed_sources = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!catalogs[i].ok()) {
      problems.Add(sources[i].registry + ": " + catalogs[i].status().message());
      continue;
    }
    ++listed_sources;
    size_t taken = 0;
    for (const std::string& name : *catalogs[i]) {
      if (!UnderPrefix(name, sources[i].prefix)) continue;
      if (!images::IsRepositoryPath(name)) {
        problems.Add(sources[i].registry + ": the catalog lists \"" + name.substr(0, 300) +
                     "\", which is no repository name");
        continue;
      }
      if (taken == kMaxCrawledRepositories) {
        problems.Add(sources[i].registry + ": more than " +
                     std::to_string(kMaxCrawledRepositories) +
                     " repositories; only the first ones are read");
        break;
      }
      ++taken;
      if (!seen.insert({sources[i].registry, name}).second) continue;
      Repository repository;
      repository.registry = sources[i].registry;
      repository.name = name;
      repositories.push_back(std::move(repository));
    }
  }
  if (listed_sources == 0) {
    return Status::Failed("no registry could be listed: " + problems.ToJson().dump());
  }

  // Their tags.
  ParallelFor(
      repositories.size(), parallel,
      [&](size_t i) {
        Repository& repository = repositories[i];
        images::ImageReference ref;
        ref.registry = repository.registry;
        ref.repository = repository.name;
        Result<std::vector<std::string>> tags = client.ListTags(ref);
        const std::string where = repository.registry + "/" + repository.name;
        if (!tags.ok()) {
          problems.Add(where + ": " + tags.status().message());
          return;
        }
        if (tags->size() > kMaxCrawledTags) {
          problems.Add(where + ": more than " + std::to_string(kMaxCrawledTags) +
                       " tags; only the first ones are read");
          tags->resize(kMaxCrawledTags);
        }
        for (const std::string& tag : *tags) {
          repository.tags.insert(tag);
          if (std::optional<VersionTag> version = ParseVersionTag(tag)) {
            repository.version_tags.push_back({tag, *version});
          }
        }
        if (repository.version_tags.size() > kMaxCrawledVersions) {
          // The newest ones: what the site shows, and what users install.
          std::stable_sort(
              repository.version_tags.begin(), repository.version_tags.end(),
              [](const auto& a, const auto& b) { return NewerThan(a.second, b.second); });
          repository.version_tags.resize(kMaxCrawledVersions);
          problems.Add(where + ": more than " + std::to_string(kMaxCrawledVersions) +
                       " version tags; only the newest ones are read");
        }
        repository.listed = true;
      },
      [&](size_t i, const std::string& what) {
        problems.Add(repositories[i].registry + "/" + repositories[i].name + ": " + what);
      });

  // The semver tags, resolved to their indexes; anything but a module index is left out.
  std::vector<std::pair<size_t, size_t>> tag_jobs;  // repository, version tag
  for (size_t r = 0; r < repositories.size(); ++r) {
    for (size_t t = 0; t < repositories[r].version_tags.size(); ++t) {
      if (tag_jobs.size() == kMaxCrawledTotalVersions) {
        problems.Add(repositories[r].registry + "/" + repositories[r].name +
                     ": the index reads at " + "most " + std::to_string(kMaxCrawledTotalVersions) +
                     " versions in all; this repository's later ones and the repositories after "
                     "it are left out");
        break;
      }
      tag_jobs.push_back({r, t});
    }
    if (tag_jobs.size() == kMaxCrawledTotalVersions) break;
  }
  std::vector<std::optional<Resolved>> resolved(tag_jobs.size());
  ParallelFor(
      tag_jobs.size(), parallel,
      [&](size_t i) {
        const Repository& repository = repositories[tag_jobs[i].first];
        const auto& [tag, version] = repository.version_tags[tag_jobs[i].second];
        const std::string where = repository.registry + "/" + repository.name + ":" + tag;
        images::ImageReference ref;
        ref.registry = repository.registry;
        ref.repository = repository.name;
        Result<images::FetchedManifest> fetched = client.GetManifest(ref, tag);
        if (!fetched.ok()) {
          problems.Add(where + ": " + fetched.status().message());
          return;
        }
        json index = json::parse(fetched->body, nullptr, false);
        if (!index.is_object()) {
          problems.Add(where + ": its index is not valid JSON");
          return;
        }
        auto text = [&](const char* key) {
          auto it = index.find(key);
          return it != index.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        if (text("artifactType") != modules::kModuleArtifactType) return;  // not a module
        std::string media_type = text("mediaType");
        if (media_type.empty()) media_type = fetched->media_type;
        if (media_type.rfind(images::kOciIndexType, 0) != 0) return;
        Resolved out;
        out.repository = tag_jobs[i].first;
        out.tag = tag;
        out.version = version;
        out.digest = fetched->digest;
        out.index = std::move(index);
        resolved[i] = std::move(out);
      },
      [&](size_t i, const std::string& what) {
        const Repository& repository = repositories[tag_jobs[i].first];
        problems.Add(repository.registry + "/" + repository.name + ":" +
                     repository.version_tags[tag_jobs[i].second].first + ": " + what);
      });

  // "1.2.0" and "v1.2.0" are one version, listed under the "v" tag. Naming two indexes, they
  // are a problem, and the "v" tag's index is the one listed (host install takes a version as
  // written, so either could be meant; the index shows one, and says so).
  std::map<std::pair<size_t, std::string>, size_t> unique;  // repository, version
  std::vector<VersionToRead> versions;
  std::vector<size_t> version_repository;
  for (std::optional<Resolved>& entry : resolved) {
    if (!entry) continue;
    const auto key = std::make_pair(entry->repository, entry->version.version);
    const Repository& repository = repositories[entry->repository];
    if (auto found = unique.find(key); found != unique.end()) {
      VersionToRead& kept = versions[found->second];
      const bool prefer_new = entry->tag[0] == 'v' && kept.tag[0] != 'v';
      if (kept.digest != entry->digest) {
        const std::string listed = prefer_new ? entry->tag : kept.tag;
        problems.Add(repository.registry + "/" + repository.name + ": the tags " + kept.tag +
                     " and " + entry->tag + " name different indexes; only " + listed +
                     " is listed");
        if (!prefer_new) continue;
        kept.digest = entry->digest;
        kept.index = std::move(entry->index);
        const std::string hex = images::DigestHex(entry->digest);
        kept.has_signature = repository.tags.count("sha256-" + hex + ".sig") > 0;
        kept.has_yank = repository.tags.count("sha256-" + hex + ".yank") > 0;
      }
      if (prefer_new) kept.tag = entry->tag;
      continue;
    }
    VersionToRead version;
    version.registry = repository.registry;
    version.repository = repository.name;
    version.tag = entry->tag;
    version.version = entry->version;
    version.digest = entry->digest;
    version.index = std::move(entry->index);
    const std::string hex = images::DigestHex(entry->digest);
    version.has_signature = repository.tags.count("sha256-" + hex + ".sig") > 0;
    version.has_yank = repository.tags.count("sha256-" + hex + ".yank") > 0;
    unique[key] = versions.size();
    versions.push_back(std::move(version));
    version_repository.push_back(entry->repository);
  }

  // Each version's parts.
  CrawlContext context;
  context.client = &client;
  context.store = &store;
  context.problems = &problems;
  context.trusted_keys = client.config().trusted_keys;
  std::vector<json> entries(versions.size());
  ParallelFor(
      versions.size(), parallel, [&](size_t i) { entries[i] = ReadVersion(versions[i], context); },
      [&](size_t i, const std::string& what) {
        problems.Add(versions[i].registry + "/" + versions[i].repository + ":" + versions[i].tag +
                     ": " + what);
      });

  // The modules: one per repository with at least one version, newest version first.
  std::map<size_t, std::vector<size_t>> by_repository;
  for (size_t i = 0; i < versions.size(); ++i) {
    if (!entries[i].is_null()) by_repository[version_repository[i]].push_back(i);
  }
  json modules = json::array();
  for (auto& [r, list] : by_repository) {
    std::sort(list.begin(), list.end(), [&](size_t a, size_t b) {
      if (NewerThan(versions[a].version, versions[b].version)) return true;
      if (NewerThan(versions[b].version, versions[a].version)) return false;
      return versions[a].tag < versions[b].tag;
    });
    const Repository& repository = repositories[r];
    std::string name;
    json version_list = json::array();
    for (size_t i : list) {
      const json& schema = entries[i]["schema"];
      if (name.empty() && schema.is_object()) {
        auto it = schema.find("name");
        if (it != schema.end() && it->is_string()) name = it->get<std::string>();
      }
      version_list.push_back(std::move(entries[i]));
    }
    if (name.empty()) name = repository.name.substr(repository.name.rfind('/') + 1);
    modules.push_back({{"name", name},
                       {"repository", repository.registry + "/" + repository.name},
                       {"versions", std::move(version_list)}});
  }
  std::sort(modules.begin(), modules.end(), [](const json& a, const json& b) {
    const std::string& name_a = a["name"].get_ref<const std::string&>();
    const std::string& name_b = b["name"].get_ref<const std::string&>();
    if (name_a != name_b) return name_a < name_b;
    return a["repository"].get_ref<const std::string&>() <
           b["repository"].get_ref<const std::string&>();
  });
  json registries = json::array();
  for (const std::string& text : options.registries) registries.push_back(text);
  return json{{"catalogVersion", 1},
              {"generated", Rfc3339Utc()},
              {"registries", std::move(registries)},
              {"problems", problems.ToJson()},
              {"modules", std::move(modules)}};
}

}  // namespace host::index
