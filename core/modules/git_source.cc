#include "core/modules/git_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/base/best_effort.h"
#include "core/base/file_lock.h"
#include "core/base/sha256.h"
#include "core/modules/content_hash.h"
#include "core/modules/git_refs.h"
#include "core/modules/git_remembered.h"

namespace host::modules {
namespace fs = std::filesystem;
namespace {

// The reference as users wrote it, for messages.
std::string Shown(const GitModuleRef& ref) {
  std::string out = ref.subpath.empty() ? ref.repo : ref.repo + "/" + ref.subpath;
  if (!ref.version.empty()) out += "@" + ref.version;
  return out;
}

// Where a commit's module folder is stored: one folder per commit and subfolder.
fs::path CheckoutPath(const fs::path& root, const std::string& commit, const std::string& subpath) {
  return root / "checkouts" /
         (commit + "-" + (subpath.empty() ? "top" : Sha256Hex(subpath).substr(0, 24)));
}

bool IsStored(const fs::path& checkout) {
  struct stat st {};
  return lstat(checkout.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status NotStored(const GitModuleRef& ref) {
  return Status::Failed("the module " + Shown(ref) +
                        " is not stored in the state folder and the network may not be used "
                        "(--locked); run once without --locked to fetch it");
}

// Deletes a temporary folder when the fetch ends, however it ends.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(fs::path path) : path_(std::move(path)) {}
  ~TemporaryFolder() { RemoveTreeBestEffort(path_); }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Removes what fetches that ended without cleaning up (a killed process) left a day ago or more.
void SweepOldTemporaryFolders(const fs::path& tmp) {
  std::error_code error;
  const auto day_ago = fs::file_time_type::clock::now() - std::chrono::hours(24);
  for (auto it = fs::directory_iterator(tmp, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    std::error_code ignored;
    if (it->path().filename().string().rfind("fetch-", 0) == 0 &&
        fs::last_write_time(it->path(), ignored) < day_ago && !ignored) {
      RemoveTreeBestEffort(it->path());
    }
  }
}

Result<fs::path> MakeTemporaryFolder(const fs::path& root) {
  std::error_code error;
  SweepOldTemporaryFolders(root / "tmp");
  fs::create_directories(root / "tmp", error);
  if (error) {
    return Status::Failed("cannot create " + (root / "tmp").string() + ": " + error.message());
  }
  std::string templ = (root / "tmp" / "fetch-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    return Status::Failed("cannot create a folder in " + (root / "tmp").string() + ": " +
                          strerror(errno));
  }
  return fs::path(templ);
}

// Whether git failed because the server wanted credentials or refused them.
bool IsAuthFailure(const GitOutput& output) {
  auto has = [&](const char* text) { return output.err.find(text) != std::string::npos; };
  return has("could not read Username") || has("could not read Password") ||
         has("Authentication failed") || has("terminal prompts disabled") || has(" 401") ||
         has(" 403") || has("Permission denied (publickey") || has("Host key verification failed");
}

// What git's failure means for the user: credentials, a missing repository, a stalled server.
std::string Advice(const GitOutput& output, bool has_token) {
  const std::string& err = output.err;
  auto has = [&](const char* text) { return err.find(text) != std::string::npos; };
  if (output.timed_out) {
    return "; git did not finish in time (a stalled or very slow server); try again later";
  }
  if (IsAuthFailure(output)) {
    if (has_token) {
      return "; the server refused the token given: check that it is valid and may read this "
             "repository";
    }
    return "; the repository needs credentials: give host a token as a secret (env://NAME or "
           "file://PATH), or set up a git credential helper, GIT_ASKPASS or an ssh agent";
  }
  if (has("not found") || has(" 404") || has("does not appear to be a git repository")) {
    return "; check the reference: the repository does not exist or is private";
  }
  if (has("not our ref") || has("couldn't find remote ref") || has("unadvertised object")) {
    return "; the server does not have that commit or ref (removed or force-pushed?); run host "
           "update to pin what the version names now";
  }
  if (has("larger than the limit") || has("File too large")) {
    return "; the repository is larger than host fetches for a module";
  }
  return "";
}

Status GitFailed(const std::string& what, const std::string& url, const GitOutput& output,
                 const FetchOptions& options) {
  return Status::Failed(what + " " + ScrubCredentials(url, options.token) +
                        ": git said: " + ScrubbedGitError(output.err, options.token) +
                        Advice(output, !options.token.empty()));
}

// Runs git and turns a failure into an error saying what failed.
Result<GitOutput> Git(const std::vector<std::string>& args, const fs::path& dir,
                      const std::string& what, const std::string& url, const FetchOptions& options,
                      const GitFetchLimits& limits) {
  Result<GitOutput> output = RunGit(args, dir, options.token, limits.command, url);
  if (!output.ok()) return output.status();
  if (!output->success) return GitFailed(what, url, *output, options);
  return output;
}

// Asks the server for its refs: url first, then url + ".git" when allowed and needed.
Result<RemoteRefs> ListRemote(const GitModuleRef& ref, const FetchOptions& options,
                              const GitFetchLimits& limits, bool* git_suffix) {
  Result<GitOutput> output =
      RunGit({"ls-remote", "--symref", ref.url}, {}, options.token, limits.command, ref.url);
  if (!output.ok()) return output.status();
  *git_suffix = false;
  if (!output->success && ref.try_git_suffix && !output->timed_out && !IsAuthFailure(*output)) {
    Result<GitOutput> retry = RunGit({"ls-remote", "--symref", ref.url + ".git"}, {}, options.token,
                                     limits.command, ref.url);
    if (!retry.ok()) return retry.status();
    if (retry->success) {
      output = std::move(retry);
      *git_suffix = true;
    }
  }
  if (!output->success) {
    return GitFailed("cannot list the tags and branches of " + ref.repo + " at", ref.url, *output,
                     options);
  }
  Result<RemoteRefs> refs = ParseLsRemote(output->out);
  if (!refs.ok()) return refs.status().Prefixed("cannot read the refs of " + ref.repo + ": ");
  return refs;
}

// Whether the symlink at link (inside dir) names a path inside dir, judged by its text alone.
bool LinkStaysInside(const fs::path& dir, const fs::path& link) {
  std::error_code error;
  const fs::path target = fs::read_symlink(link, error);
  if (error || target.empty() || target.is_absolute()) return false;
  int depth = 0;
  for (const auto& part : fs::relative(link.parent_path(), dir)) {
    if (part != ".") ++depth;
  }
  for (const auto& part : target) {
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

// Checks the module folder of a checkout before it is stored: a real folder (no link on the way),
// a module.json, and not too big.
Status CheckModuleFolder(const fs::path& repo, const GitModuleRef& ref, const std::string& commit,
                         const GitFetchLimits& limits) {
  fs::path dir = repo;
  for (const auto& part : fs::path(ref.subpath)) {
    dir /= part;
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::Failed(ref.repo + " has no folder " + ref.subpath + "/ at commit " + commit +
                            "; check the subfolder in the reference " + Shown(ref));
    }
  }
  struct stat st {};
  if (lstat((dir / "module.json").c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::Failed(ref.repo + " has no module.json in " +
                          (ref.subpath.empty() ? "its top folder" : ref.subpath + "/") +
                          " at commit " + commit + "; check the subfolder in the reference " +
                          Shown(ref));
  }
  uint64_t files = 0, bytes = 0;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(dir, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->path().filename() == ".git" && it.depth() == 0) {
      it.disable_recursion_pending();
      continue;
    }
    ++files;
    struct stat entry {};
    if (lstat(it->path().c_str(), &entry) != 0) continue;
    if (S_ISREG(entry.st_mode)) bytes += static_cast<uint64_t>(entry.st_size);
    if (S_ISLNK(entry.st_mode) && !LinkStaysInside(dir, it->path())) {
      return Status::Failed("the module " + Shown(ref) + " at commit " + commit + " has a link " +
                            fs::relative(it->path(), dir).string() +
                            " that leads outside its folder; host refuses such modules");
    }
    if (files > limits.max_checkout_files || bytes > limits.max_checkout_bytes) {
      return Status::Failed("the module " + Shown(ref) + " at commit " + commit +
                            " is too big: more than " + std::to_string(limits.max_checkout_files) +
                            " files or " + std::to_string(limits.max_checkout_bytes >> 20) +
                            " MiB; host refuses modules that large");
    }
  }
  if (error) {
    return Status::Failed("cannot read the checkout of " + Shown(ref) + ": " + error.message());
  }
  return {};
}

// Fetches commit (via fetch_ref) shallowly and sparsely into a temporary folder and moves the
// module folder to its place. With an empty commit (a short commit that no ref names), the
// history is fetched without file contents and short_commit is looked up in it; *commit_out
// says which commit it named.
Status FetchAndStore(const fs::path& root, const GitModuleRef& ref, const std::string& url,
                     const Resolution& resolution, const std::string& short_commit,
                     const FetchOptions& options, const GitFetchLimits& limits,
                     std::string* commit_out) {
  std::optional<FileLock> lock;
  if (!resolution.commit.empty()) {
    const fs::path checkout = CheckoutPath(root, resolution.commit, ref.subpath);
    Result<FileLock> acquired =
        FileLock::Acquire(root / "locks" / (checkout.filename().string() + ".lock"));
    if (!acquired.ok()) return acquired.status();
    lock.emplace(std::move(*acquired));
    *commit_out = resolution.commit;
    if (IsStored(checkout)) return {};  // another process stored it meanwhile
  }
  Result<fs::path> made = MakeTemporaryFolder(root);
  if (!made.ok()) return made.status();
  TemporaryFolder temporary(*made);
  const fs::path repo = temporary.path() / "repo";
  const std::string what_fetch = "cannot fetch " + Shown(ref) + " from";
  if (Result<GitOutput> r =
          Git({"init", "-q", repo.string()}, {}, "cannot prepare a fetch of", url, options, limits);
      !r.ok()) {
    return r.status();
  }
  if (Result<GitOutput> r =
          Git({"remote", "add", "origin", url}, repo, what_fetch, url, options, limits);
      !r.ok()) {
    return r.status();
  }
  std::string commit = resolution.commit;
  if (commit.empty()) {
    // A short commit: the history (no files) of every branch and tag, then look it up.
    if (Result<GitOutput> r =
            Git({"fetch", "-q", "--filter=tree:0", "origin", "+refs/heads/*:refs/remotes/origin/*",
                 "+refs/tags/*:refs/tags/*"},
                repo, what_fetch, url, options, limits);
        !r.ok()) {
      return r.status();
    }
    Result<GitOutput> found =
        RunGit({"rev-parse", "-q", "--verify", "--end-of-options", short_commit + "^{commit}"},
               repo, options.token, limits.command);
    if (!found.ok()) return found.status();
    std::string full = found->out.substr(0, found->out.find('\n'));
    if (!found->success || !IsFullCommit(full)) {
      return Status::Failed(ref.repo + " has no commit '" + short_commit +
                            "' on any branch or tag (or it is ambiguous); write a tag, a branch "
                            "or a full commit after '@'");
    }
    commit = full;
    *commit_out = commit;
    const fs::path checkout = CheckoutPath(root, commit, ref.subpath);
    Result<FileLock> acquired =
        FileLock::Acquire(root / "locks" / (checkout.filename().string() + ".lock"));
    if (!acquired.ok()) return acquired.status();
    lock.emplace(std::move(*acquired));
    if (IsStored(checkout)) return {};
  } else {
    // Only the one commit, without file contents; the sparse checkout asks for the module's.
    if (Result<GitOutput> r = Git({"fetch", "-q", "--no-tags", "--depth", "1", "--filter=blob:none",
                                   "origin", resolution.fetch_ref},
                                  repo, what_fetch, url, options, limits);
        !r.ok()) {
      return r.status();
    }
    Result<GitOutput> fetched = Git({"rev-parse", "--verify", "FETCH_HEAD^{commit}"}, repo,
                                    what_fetch, url, options, limits);
    if (!fetched.ok()) return fetched.status();
    if (fetched->out.substr(0, 40) != commit) {
      return Status::Failed(Shown(ref) + " changed while it was fetched: " + resolution.resolved +
                            " named " + commit + " and then " + fetched->out.substr(0, 40) +
                            "; run the command again");
    }
  }
  if (!ref.subpath.empty()) {
    if (Result<GitOutput> r =
            Git({"sparse-checkout", "set", ref.subpath}, repo, what_fetch, url, options, limits);
        !r.ok()) {
      return r.status();
    }
  }
  if (Result<GitOutput> r =
          Git({"checkout", "-q", "--detach", commit}, repo, what_fetch, url, options, limits);
      !r.ok()) {
    return r.status();
  }
  if (Status s = CheckModuleFolder(repo, ref, commit, limits); !s.ok()) return s;
  const fs::path module = ref.subpath.empty() ? repo : repo / ref.subpath;
  std::error_code error;
  if (ref.subpath.empty()) {
    fs::remove_all(repo / ".git", error);
    if (error) {
      return Status::Failed("cannot clean the checkout of " + Shown(ref) + ": " + error.message());
    }
  }
  const fs::path checkout = CheckoutPath(root, commit, ref.subpath);
  fs::create_directories(checkout.parent_path(), error);
  if (error) {
    return Status::Failed("cannot create " + checkout.parent_path().string() + ": " +
                          error.message());
  }
  // One rename: readers see the whole folder or none; a racing process's copy is equal.
  if (rename(module.c_str(), checkout.c_str()) != 0 && !IsStored(checkout)) {
    return Status::Failed("cannot store the checkout of " + Shown(ref) + " at " +
                          checkout.string() + ": " + strerror(errno));
  }
  return {};
}

// What reaches git's command line must not look like an option or leave the repository, also
// when the reference was not made by ParseModuleRef (a lock file, an embedder).
Status CheckRef(const GitModuleRef& ref) {
  auto bad = [&](const std::string& what) {
    return Status::Usage("the git module reference " + Shown(ref) + " is malformed: " + what);
  };
  if (ref.url.find("://") == std::string::npos || ref.url.front() == '-') {
    return bad("its URL has no scheme");
  }
  if (!ref.version.empty() && ref.version.front() == '-') return bad("its version starts with '-'");
  for (char c : ref.url + ref.subpath + ref.version) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return bad("it has a control character");
  }
  if (ref.subpath.empty()) return {};
  for (const auto& part : fs::path(ref.subpath)) {
    const std::string text = part.string();
    if (text.empty() || text == "." || text == ".." || text == "/" || text.front() == '-') {
      return bad("its subfolder has an empty, '.', '..', '/' or '-' part");
    }
  }
  if (ref.subpath.back() == '/' || ref.subpath.find("//") != std::string::npos) {
    return bad("its subfolder has an empty part");
  }
  return {};
}

Result<FetchedModule> Finish(const fs::path& checkout, const Resolution& resolution) {
  FetchedModule fetched;
  fetched.dir = checkout;
  fetched.resolved = resolution.resolved;
  fetched.pin = resolution.commit;
  Result<std::string> hash = ContentHash(checkout);
  if (!hash.ok()) return hash.status();
  fetched.hash = *hash;
  return fetched;
}

}  // namespace

Result<FetchedModule> FetchGitModule(const GitModuleRef& ref, const FetchOptions& options,
                                     std::string_view pinned_commit) {
  return FetchGitModule(ref, options, pinned_commit, GitFetchLimits{});
}

Result<FetchedModule> FetchGitModule(const GitModuleRef& ref, const FetchOptions& options,
                                     std::string_view pinned_commit, const GitFetchLimits& limits) {
  if (options.state_dir.empty()) return Status::Failed("no state folder to store git modules in");
  if (ref.url.empty() || ref.repo.empty()) {
    return Status::Usage("the git module reference is empty; parse it with ParseModuleRef first");
  }
  if (options.offline && options.refresh) {
    return Status::Usage(
        "a module cannot be resolved again (update) without the network (--locked)");
  }
  if (!pinned_commit.empty() && !IsFullCommit(pinned_commit)) {
    return Status::Failed("the pin of " + Shown(ref) + " is not a full commit (40 hex digits): '" +
                          std::string(pinned_commit.substr(0, 64)) +
                          "'; run host install again to pin it");
  }
  if (Status s = CheckRef(ref); !s.ok()) return s;
  const fs::path root = options.state_dir / "modules" / "git";
  std::optional<RememberedResolution> remembered = ReadRemembered(root, ref);
  bool git_suffix = remembered && remembered->git_suffix;
  std::optional<Resolution> resolution;
  if (!pinned_commit.empty()) {
    const std::string pin(pinned_commit);
    if (remembered && remembered->resolution.commit == pin) {
      resolution = remembered->resolution;
    } else {
      // Which tag or branch named it is not known without asking: the commit stands for it.
      resolution = Resolution{pin, pin, pin, ResolutionKind::kCommit};
    }
  } else if (IsFullCommit(ref.version)) {
    resolution = Resolution{ref.version, ref.version, ref.version, ResolutionKind::kCommit};
  } else if (remembered) {
    const bool kept = remembered->resolution.kind != ResolutionKind::kMoving;
    const bool fresh = std::chrono::system_clock::now() - remembered->asked < limits.moving_ttl &&
                       std::chrono::system_clock::now() >= remembered->asked;
    if (options.offline || (!options.refresh && (kept || fresh))) {
      resolution = remembered->resolution;
    }
  }
  if (resolution) {
    const fs::path checkout = CheckoutPath(root, resolution->commit, ref.subpath);
    if (IsStored(checkout)) return Finish(checkout, *resolution);
  }
  if (options.offline) return NotStored(ref);

  std::string short_commit;
  if (!resolution) {
    Result<RemoteRefs> refs = ListRemote(ref, options, limits, &git_suffix);
    if (!refs.ok()) return refs.status();
    Result<std::optional<Resolution>> resolved =
        ResolveVersion(*refs, ref.repo, ref.subpath, ref.version);
    if (!resolved.ok()) return resolved.status();
    if (resolved->has_value()) {
      resolution = **resolved;
      if (Status s = WriteRemembered(root, ref,
                                     {*resolution, git_suffix, std::chrono::system_clock::now()});
          !s.ok()) {
        return s;
      }
      const fs::path checkout = CheckoutPath(root, resolution->commit, ref.subpath);
      if (IsStored(checkout)) return Finish(checkout, *resolution);
    } else {
      short_commit = ref.version;
      resolution = Resolution{"", ref.version, "", ResolutionKind::kCommit};
    }
  }
  const std::string url = git_suffix ? ref.url + ".git" : ref.url;
  std::string commit;
  if (Status s = FetchAndStore(root, ref, url, *resolution, short_commit, options, limits, &commit);
      !s.ok()) {
    return s;
  }
  if (resolution->commit.empty()) {
    resolution->commit = commit;
    resolution->fetch_ref = commit;
    if (Status s =
            WriteRemembered(root, ref, {*resolution, git_suffix, std::chrono::system_clock::now()});
        !s.ok()) {
      return s;
    }
  }
  return Finish(CheckoutPath(root, resolution->commit, ref.subpath), *resolution);
}

}  // namespace host::modules
