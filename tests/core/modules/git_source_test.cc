// FetchGitModule against a real git smart-HTTP server (tests/fixtures/git/git-server.sh):
// every version form, reuse without network, credentials.
#include "core/modules/git_source.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/modules/content_hash.h"
#include "core/modules/module_ref.h"
#include "tests/support/run.h"

namespace host::modules {
namespace {
namespace fs = std::filesystem;

const std::string kFixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/git/";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A git server with the fixture repositories, in a folder of its own.
class GitServer {
 public:
  GitServer() : dir_(test::TempDir()) {
    test::Ran made = test::Run({kFixtures + "make-repos.sh", dir_});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    Start();
    token_ = ReadFile(fs::path(dir_) / "token");
  }
  ~GitServer() {
    Stop();
    fs::remove_all(dir_);
  }
  void Start() {
    test::Ran started = test::Run({kFixtures + "git-server.sh", "start", dir_});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    base_ = started.out.substr(0, started.out.find('\n'));
  }
  void Stop() { test::Run({kFixtures + "git-server.sh", "stop", dir_}); }
  const std::string& base() const { return base_; }
  const std::string& token() const { return token_; }
  const std::string& dir() const { return dir_; }
  // The commit a ref of the public modules repository names.
  std::string Commit(const std::string& rev) const {
    test::Ran ran =
        test::Run({"git", "-C", dir_ + "/public/acme/modules.git", "rev-parse", rev + "^{commit}"});
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    return ran.out.substr(0, 40);
  }

 private:
  std::string dir_;
  std::string base_;
  std::string token_;
};

class GitSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new GitServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_FALSE(server_->base().empty());
    state_ = test::TempDir();
    options_.state_dir = state_;
  }
  void TearDown() override { fs::remove_all(state_); }

  // The reference as a user writes it, pointed at the test server by a module_sources rewrite.
  static GitModuleRef Ref(const std::string& text, const GitServer& server,
                          const char* path = "git") {
    Result<ModuleRef> ref =
        ParseModuleRef(text, {{"github.com/acme", server.base() + "/" + path + "/acme"}});
    EXPECT_TRUE(ref.ok()) << ref.status().message();
    return ref.ok() ? ref->git : GitModuleRef{};
  }
  static GitModuleRef Ref(const std::string& text) { return Ref(text, *server_); }

  FetchedModule Fetch(const GitModuleRef& ref, std::string_view pin = "",
                      const GitFetchLimits& limits = {}) {
    Result<FetchedModule> fetched = FetchGitModule(ref, options_, pin, limits);
    EXPECT_TRUE(fetched.ok()) << fetched.status().message();
    return fetched.ok() ? *fetched : FetchedModule{};
  }
  std::string FetchError(const GitModuleRef& ref, std::string_view pin = "",
                         const GitFetchLimits& limits = {}) {
    Result<FetchedModule> fetched = FetchGitModule(ref, options_, pin, limits);
    EXPECT_FALSE(fetched.ok()) << "fetched " << fetched->dir;
    return fetched.ok() ? "" : fetched.status().message();
  }
  // The description in the fetched module.json, which says which commit it is.
  static std::string Description(const FetchedModule& fetched) {
    const std::string text = ReadFile(fetched.dir / "module.json");
    const size_t at = text.find("\"description\": \"");
    if (at == std::string::npos) return "";
    const size_t start = at + 16;
    return text.substr(start, text.find('"', start) - start);
  }
  static std::vector<std::string> Files(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      names.push_back(fs::relative(entry.path(), dir).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static GitServer* server_;
  std::string state_;
  FetchOptions options_;
};

GitServer* GitSourceTest::server_ = nullptr;

TEST_F(GitSourceTest, SubfolderTagIsPreferredOverTheTopLevelTag) {
  FetchedModule fetched = Fetch(Ref("github.com/acme/modules/probe@v1.0.0"));
  EXPECT_EQ(fetched.resolved, "probe/v1.0.0");
  EXPECT_EQ(Description(fetched), "probe v1.0.0");
  EXPECT_EQ(fetched.pin, server_->Commit("probe/v1.0.0"));  // the annotated tag's commit
  Result<std::string> hash = ContentHash(fetched.dir);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(fetched.hash, *hash);
  // Only the module's folder is stored: no .git, nothing from elsewhere in the repository.
  EXPECT_EQ(Files(fetched.dir), (std::vector<std::string>{"module.json", "probe.c"}));
  EXPECT_TRUE(fetched.dir.string().rfind(state_ + "/modules/git/", 0) == 0) << fetched.dir;
}

TEST_F(GitSourceTest, VersionWithoutVFindsTheVTag) {
  FetchedModule fetched = Fetch(Ref("github.com/acme/modules/probe@1.1.0"));
  EXPECT_EQ(fetched.resolved, "probe/v1.1.0");
  EXPECT_EQ(Description(fetched), "probe v1.1.0");
}

TEST_F(GitSourceTest, TopLevelModuleUsesTopLevelTagsAndHasNoGitFolder) {
  FetchedModule fetched = Fetch(Ref("github.com/acme/modules@v1.0.0"));
  EXPECT_EQ(fetched.resolved, "v1.0.0");
  EXPECT_EQ(fetched.pin, server_->Commit("v1.0.0"));
  EXPECT_NE(ReadFile(fetched.dir / "module.json").find("toplevel"), std::string::npos);
  EXPECT_TRUE(fs::exists(fetched.dir / "probe" / "module.json"));
  EXPECT_FALSE(fs::exists(fetched.dir / ".git"));
}

TEST_F(GitSourceTest, ConstraintPicksTheHighestRelease) {
  FetchedModule major = Fetch(Ref("github.com/acme/modules/probe@v1"));
  EXPECT_EQ(major.resolved, "probe/v1.2.0");
  EXPECT_EQ(Description(major), "probe v1.2.0");
  FetchedModule minor = Fetch(Ref("github.com/acme/modules/probe@v1.1"));
  EXPECT_EQ(minor.resolved, "probe/v1.1.0");
  // v2 has only a prerelease: no match.
  const std::string error = FetchError(Ref("github.com/acme/modules/probe@v2"));
  EXPECT_NE(error.find("no release matching 'v2'"), std::string::npos) << error;
  EXPECT_NE(error.find("probe/v2.0.0-rc.1"), std::string::npos) << error;
}

TEST_F(GitSourceTest, BranchDefaultBranchAndCommits) {
  FetchedModule dev = Fetch(Ref("github.com/acme/modules/probe@dev"));
  EXPECT_EQ(dev.resolved, "dev");
  EXPECT_EQ(Description(dev), "dev");
  EXPECT_EQ(dev.pin, server_->Commit("dev"));
  FetchedModule head = Fetch(Ref("github.com/acme/modules/probe"));
  EXPECT_EQ(head.resolved, "main");
  EXPECT_EQ(Description(head), "main");
  const std::string full = server_->Commit("probe/v1.1.0");
  FetchedModule by_full = Fetch(Ref("github.com/acme/modules/probe@" + full));
  EXPECT_EQ(by_full.resolved, full);
  EXPECT_EQ(by_full.pin, full);
  EXPECT_EQ(Description(by_full), "probe v1.1.0");
  // A short commit a branch points at, and one that only the history has.
  FetchedModule short_tip = Fetch(Ref("github.com/acme/modules/probe@" + dev.pin.substr(0, 9)));
  EXPECT_EQ(short_tip.pin, dev.pin);
  EXPECT_EQ(short_tip.resolved, dev.pin.substr(0, 9));
  const std::string untagged = server_->Commit("main~1");
  FetchedModule short_history =
      Fetch(Ref("github.com/acme/modules/probe@" + untagged.substr(0, 8)));
  EXPECT_EQ(short_history.pin, untagged);
  EXPECT_EQ(Description(short_history), "untagged");
}

TEST_F(GitSourceTest, PinnedCommitWinsOverWhatTheVersionNamesNow) {
  const std::string pin = server_->Commit("probe/v1.1.0");
  FetchedModule pinned = Fetch(Ref("github.com/acme/modules/probe@v1"), pin);
  EXPECT_EQ(pinned.pin, pin);
  EXPECT_EQ(pinned.resolved, pin);
  EXPECT_EQ(Description(pinned), "probe v1.1.0");
  // Resolved without the pin, v1 names v1.2.0; with the pin again the remembered name is shown.
  FetchedModule current = Fetch(Ref("github.com/acme/modules/probe@v1"));
  EXPECT_EQ(current.resolved, "probe/v1.2.0");
  EXPECT_NE(current.hash, pinned.hash);
  EXPECT_EQ(Fetch(Ref("github.com/acme/modules/probe@v1"), current.pin).resolved, "probe/v1.2.0");
  const std::string gone =
      FetchError(Ref("github.com/acme/modules/probe@v1"), std::string(40, '7'));
  EXPECT_NE(gone.find("the server does not have that commit or ref"), std::string::npos) << gone;
  const std::string bad = FetchError(Ref("github.com/acme/modules/probe@v1"), "abc");
  EXPECT_NE(bad.find("is not a full commit"), std::string::npos) << bad;
}

TEST_F(GitSourceTest, ReferencesNotMadeByTheParserAreChecked) {
  GitModuleRef ref = Ref("github.com/acme/modules/probe@v1.0.0");
  for (const char* subpath : {"../probe", "/etc", "-x", "probe/./x", "probe//x"}) {
    GitModuleRef bad = ref;
    bad.subpath = subpath;
    EXPECT_NE(FetchError(bad).find("is malformed"), std::string::npos) << subpath;
  }
  GitModuleRef option = ref;
  option.version = "--upload-pack=touch /tmp/x";
  EXPECT_NE(FetchError(option).find("starts with '-'"), std::string::npos);
  GitModuleRef no_scheme = ref;
  no_scheme.url = "-oProxyCommand=x";
  EXPECT_NE(FetchError(no_scheme).find("no scheme"), std::string::npos);
}

TEST_F(GitSourceTest, WrongTagListsTheNearestTags) {
  const std::string error = FetchError(Ref("github.com/acme/modules/probe@v1.9.0"));
  EXPECT_NE(error.find("github.com/acme/modules has no tag 'v1.9.0' for the module in probe/"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("the nearest tags: probe/v1.0.0"), std::string::npos) << error;
  const std::string branch = FetchError(Ref("github.com/acme/modules/probe@nope"));
  EXPECT_NE(branch.find("no tag, branch or commit 'nope'"), std::string::npos) << branch;
  const std::string commit = FetchError(Ref("github.com/acme/modules/probe@abcdef0"));
  EXPECT_NE(commit.find("no commit 'abcdef0'"), std::string::npos) << commit;
}

TEST_F(GitSourceTest, FolderWithoutModuleJsonIsAnError) {
  const std::string commit = server_->Commit("v1.0.0");
  const std::string error = FetchError(Ref("github.com/acme/modules/docs@v1.0.0"));
  EXPECT_NE(error.find("github.com/acme/modules has no module.json in docs/ at commit " + commit),
            std::string::npos)
      << error;
  const std::string missing = FetchError(Ref("github.com/acme/modules/nothere@v1.0.0"));
  EXPECT_NE(missing.find("has no folder nothere/ at commit " + commit), std::string::npos)
      << missing;
  // Nothing is stored for a failed fetch, and no temporary folder is left.
  EXPECT_FALSE(fs::exists(fs::path(state_) / "modules/git/checkouts") &&
               !fs::is_empty(fs::path(state_) / "modules/git/checkouts"));
  EXPECT_TRUE(fs::is_empty(fs::path(state_) / "modules/git/tmp"));
}

TEST_F(GitSourceTest, LinksOutOfTheModuleAreRefused) {
  const std::string commit = server_->Commit("main");
  const std::string alias = FetchError(Ref("github.com/acme/modules/alias"));
  EXPECT_NE(alias.find("has no folder alias/ at commit " + commit), std::string::npos) << alias;
  const std::string leaky = FetchError(Ref("github.com/acme/modules/leaky"));
  // Both its links (to /etc/passwd and to ../probe) lead out of the stored folder.
  EXPECT_NE(leaky.find("that leads outside its folder; host refuses such modules"),
            std::string::npos)
      << leaky;
}

TEST_F(GitSourceTest, TooBigACheckoutIsRefused) {
  GitFetchLimits limits;
  limits.max_checkout_files = 20;
  const std::string error = FetchError(Ref("github.com/acme/modules/big@v1.0.0"), "", limits);
  EXPECT_NE(error.find("is too big: more than 20 files"), std::string::npos) << error;
  limits.max_checkout_files = 100;
  EXPECT_EQ(Files(Fetch(Ref("github.com/acme/modules/big@v1.0.0"), "", limits).dir).size(), 52u);
}

TEST_F(GitSourceTest, ServerWithoutPartialCloneGetsAPlainShallowFetch) {
  FetchedModule fetched = Fetch(Ref("github.com/acme/modules/probe@v1.1.0", *server_, "nofilter"));
  EXPECT_EQ(fetched.resolved, "probe/v1.1.0");
  EXPECT_EQ(Files(fetched.dir), (std::vector<std::string>{"module.json", "probe.c"}));
}

TEST_F(GitSourceTest, TemporaryFoldersOfKilledFetchesAreSweptAfterADay) {
  const fs::path tmp = fs::path(state_) / "modules/git/tmp";
  fs::create_directories(tmp / "fetch-old" / "repo");
  fs::create_directories(tmp / "fetch-recent");
  fs::last_write_time(tmp / "fetch-old", fs::file_time_type::clock::now() - std::chrono::hours(25));
  Fetch(Ref("github.com/acme/modules/probe@v1.0.0"));
  EXPECT_FALSE(fs::exists(tmp / "fetch-old"));
  EXPECT_TRUE(fs::exists(tmp / "fetch-recent"));  // perhaps another process's fetch
}

TEST_F(GitSourceTest, ConcurrentFetchesOfOneModuleBothSucceed) {
  const GitModuleRef ref = Ref("github.com/acme/modules/probe@v1.1.0");
  Result<FetchedModule> first = Status::Failed("not run");
  Result<FetchedModule> second = Status::Failed("not run");
  std::thread a([&] { first = FetchGitModule(ref, options_); });
  std::thread b([&] { second = FetchGitModule(ref, options_); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(first->dir, second->dir);
  EXPECT_EQ(first->hash, second->hash);
  EXPECT_TRUE(fs::is_empty(fs::path(state_) / "modules/git/tmp"));
}

TEST_F(GitSourceTest, ConcurrentProcessesStoreOneCheckout) {
  const GitModuleRef ref = Ref("github.com/acme/modules/probe@v1.0.0");
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Result<FetchedModule> fetched = FetchGitModule(ref, options_);
      _exit(fetched.ok() && fs::exists(fetched->dir / "module.json") ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::vector<std::string> checkouts;
  for (const auto& entry : fs::directory_iterator(fs::path(state_) / "modules/git/checkouts")) {
    checkouts.push_back(entry.path().filename().string());
  }
  ASSERT_EQ(checkouts.size(), 1u);
  EXPECT_EQ(checkouts[0].substr(0, 40), server_->Commit("probe/v1.0.0"));
  EXPECT_TRUE(fs::is_empty(fs::path(state_) / "modules/git/tmp"));
  FetchedModule fetched = Fetch(ref);
  EXPECT_EQ(Files(fetched.dir), (std::vector<std::string>{"module.json", "probe.c"}));
}

TEST_F(GitSourceTest, OfflineWithNothingStoredSaysWhatToDo) {
  options_.offline = true;
  const std::string error = FetchError(Ref("github.com/acme/modules/probe@v1.0.0"));
  EXPECT_EQ(error,
            "the module github.com/acme/modules/probe@v1.0.0 is not stored in the state folder "
            "and the network may not be used (--locked); run once without --locked to fetch it");
  EXPECT_NE(FetchError(Ref("github.com/acme/modules/probe@v1.0.0"), server_->Commit("dev"))
                .find("is not stored"),
            std::string::npos);
}

TEST_F(GitSourceTest, PrivateRepositoryNeedsTheToken) {
  const std::map<std::string, std::string> rewrites = {
      {"github.com/acme", server_->base() + "/private/acme"}};
  Result<ModuleRef> ref = ParseModuleRef("github.com/acme/secret@v0.1.0", rewrites);
  ASSERT_TRUE(ref.ok());
  const auto start = std::chrono::steady_clock::now();
  const std::string error = FetchError(ref->git);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));  // no prompt
  EXPECT_NE(error.find("the repository needs credentials: give host a token as a secret"),
            std::string::npos)
      << error;
  options_.token = "wrong-" + server_->token();
  const std::string wrong = FetchError(ref->git);
  EXPECT_NE(wrong.find("the server refused the token given"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.find(server_->token()), std::string::npos) << wrong;
  options_.token = server_->token();
  FetchedModule fetched = Fetch(ref->git);
  EXPECT_EQ(fetched.resolved, "v0.1.0");
  EXPECT_NE(ReadFile(fetched.dir / "module.json").find("secret"), std::string::npos);
  // The token is in no file under the state folder.
  test::Ran grep = test::Run({"grep", "-r", "-l", "-F", server_->token(), state_});
  EXPECT_EQ(grep.exit_code, 1) << grep.out;
}

// The user's credential helpers would store a token that works ("store" writes
// ~/.git-credentials): with a token given, they are not asked at all.
TEST_F(GitSourceTest, TokenIsNeverHandedToTheUsersCredentialHelpers) {
  const std::string home = test::TempDir();
  std::ofstream(fs::path(home) / ".gitconfig")
      << "[credential]\n\thelper = store\n[credential \"http://127.0.0.1\"]\n\thelper = store\n";
  const char* old_home = getenv("HOME");
  const std::string saved = old_home != nullptr ? old_home : "";
  setenv("HOME", home.c_str(), 1);
  options_.token = server_->token();
  Result<ModuleRef> ref = ParseModuleRef("github.com/acme/secret@v0.1.0",
                                         {{"github.com/acme", server_->base() + "/private/acme"}});
  ASSERT_TRUE(ref.ok());
  Result<FetchedModule> fetched = FetchGitModule(ref->git, options_);
  if (old_home != nullptr) {
    setenv("HOME", saved.c_str(), 1);
  } else {
    unsetenv("HOME");
  }
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_FALSE(fs::exists(fs::path(home) / ".git-credentials"));
  test::Ran grep = test::Run({"grep", "-r", "-l", "-F", server_->token(), home, state_});
  EXPECT_EQ(grep.exit_code, 1) << grep.out;
  fs::remove_all(home);
}

TEST_F(GitSourceTest, UrlCredentialsAndTokensAreScrubbedFromErrors) {
  const std::string scrubbed = ScrubCredentials(
      "fatal: unable to access 'https://user:s3cret@host/x': tok123 https://tok123@h/ "
      "ssh://git@h/",
      "tok123");
  EXPECT_EQ(scrubbed,
            "fatal: unable to access 'https://***@host/x': *** https://***@h/ ssh://git@h/");
}

// A stored checkout and a remembered resolution are used with the server stopped.
TEST(GitSourceReuseTest, StoredCheckoutsAreUsedWithTheServerStopped) {
  GitServer server;
  const std::string state = test::TempDir();
  FetchOptions options;
  options.state_dir = state;
  auto ref = [&](const std::string& text) {
    Result<ModuleRef> parsed =
        ParseModuleRef(text, {{"github.com/acme", server.base() + "/git/acme"}});
    EXPECT_TRUE(parsed.ok());
    return parsed->git;
  };
  const GitModuleRef tag = ref("github.com/acme/modules/probe@v1.0.0");
  const GitModuleRef branch = ref("github.com/acme/modules/probe@dev");
  const GitModuleRef constraint = ref("github.com/acme/modules/probe@v1");
  Result<FetchedModule> tag_first = FetchGitModule(tag, options);
  Result<FetchedModule> branch_first = FetchGitModule(branch, options);
  Result<FetchedModule> constraint_first = FetchGitModule(constraint, options);
  ASSERT_TRUE(tag_first.ok() && branch_first.ok() && constraint_first.ok());
  server.Stop();  // from here on, any request fails

  // No network: remembered resolutions (a tag, a fresh branch and constraint) and a pin.
  for (const GitModuleRef* r : {&tag, &branch, &constraint}) {
    Result<FetchedModule> again = FetchGitModule(*r, options);
    ASSERT_TRUE(again.ok()) << again.status().message();
  }
  Result<FetchedModule> again = FetchGitModule(tag, options);
  EXPECT_EQ(again->dir, tag_first->dir);
  EXPECT_EQ(again->resolved, "probe/v1.0.0");
  EXPECT_EQ(again->pin, tag_first->pin);
  EXPECT_EQ(again->hash, tag_first->hash);
  Result<FetchedModule> pinned = FetchGitModule(branch, options, branch_first->pin);
  ASSERT_TRUE(pinned.ok()) << pinned.status().message();
  EXPECT_EQ(pinned->dir, branch_first->dir);
  EXPECT_EQ(pinned->resolved, "dev");

  // A branch past its reuse time is asked again: that needs the server.
  GitFetchLimits stale;
  stale.moving_ttl = std::chrono::seconds(0);
  Result<FetchedModule> asked = FetchGitModule(branch, options, "", stale);
  ASSERT_FALSE(asked.ok());
  EXPECT_NE(asked.status().message().find("cannot list the tags and branches"), std::string::npos)
      << asked.status().message();
  // refresh always asks; a tag is kept.
  options.refresh = true;
  EXPECT_FALSE(FetchGitModule(tag, options).ok());
  options.refresh = false;
  EXPECT_TRUE(FetchGitModule(tag, options, "", stale).ok());
  // Offline never asks, however old the resolution.
  options.offline = true;
  Result<FetchedModule> offline = FetchGitModule(branch, options, "", stale);
  ASSERT_TRUE(offline.ok()) << offline.status().message();
  EXPECT_EQ(offline->pin, branch_first->pin);
  Result<FetchedModule> offline_pin = FetchGitModule(tag, options, tag_first->pin);
  ASSERT_TRUE(offline_pin.ok()) << offline_pin.status().message();

  fs::remove_all(state);
}

// A server that accepts connections and never answers is given up on.
TEST(GitSourceStallTest, StalledServerTimesOut) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  Result<ModuleRef> ref = ParseModuleRef(base + "/acme/modules/probe@v1.0.0");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  const std::string state = test::TempDir();
  FetchOptions options;
  options.state_dir = state;
  GitFetchLimits limits;
  limits.command.timeout = std::chrono::seconds(2);
  const auto start = std::chrono::steady_clock::now();
  Result<FetchedModule> fetched = FetchGitModule(ref->git, options, "", limits);
  const auto took = std::chrono::steady_clock::now() - start;
  close(listener);
  fs::remove_all(state);
  ASSERT_FALSE(fetched.ok());
  EXPECT_NE(fetched.status().message().find("did not finish in time"), std::string::npos)
      << fetched.status().message();
  EXPECT_LT(took, std::chrono::seconds(8));  // url and url.git are not both waited for
}

}  // namespace
}  // namespace host::modules
