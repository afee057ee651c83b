// Remote modules through the command line, against a real git smart-HTTP server (git
// http-backend behind lighttpd) and Debian's docker-registry on loopback: install pins, --locked
// runs with both servers stopped, a moved tag, a tampered store, update and uninstall, the trust
// modes, a module depending on a remote module depending on another, a private repository.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using test::Ran;

const std::string kFixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/";

std::string Read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RemoteModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir();
    Ran reg = test::Run({kFixtures + "images/registry.sh", "start", root_ + "/registry"});
    ASSERT_EQ(reg.exit_code, 0) << reg.err;
    registry_ = reg.out.substr(0, reg.out.find('\n'));
    StartGit();
    // The repository: greet/ (tags greet/v1.0.0, greet/v1.1.0) and outer/, which depends on
    // greeter 1.0.0 as published to the registry (tag outer/v1.0.0).
    const std::string script = R"(set -e
      H=)" + std::string(HOST_BINARY) +
                               R"(
      export HOST_STATE_DIR=)" +
                               root_ + R"(/publisher-state HOST_CONFIG=)" + root_ +
                               R"(/config.json
      g() { git -c user.name=t -c user.email=t@t -c init.defaultBranch=main "$@"; }
      cd )" + root_ + R"( && mkdir upstream && cd upstream && g init -q mods && cd mods
      $H init --name greeter --sdk c greet >/dev/null
      g add -A && g commit -qm greet && g tag greet/v1.0.0
      (cd greet && $H -q publish oci://)" +
                               registry_ + R"(/acme/greeter:1.0.0 >/dev/null)
      sed -i 's/Hello/Howdy/' greet/src/main.c && g commit -qam howdy && g tag greet/v1.1.0
      $H init --name outer --sdk c outer >/dev/null
      sed -i 's|"dependencies": \[\]|"dependencies": [{"name": "greeter", "source": "oci://)" +
                               registry_ + R"(/acme/greeter:1.0.0"}]|' outer/module.json
      g add -A && g commit -qm outer && g tag outer/v1.0.0
      g clone -q --bare . )" + root_ +
                               R"(/git/public/acme/mods.git
    )";
    WriteConfig("");
    Ran made = test::Run({"bash", "-c", script});
    ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  }

  void TearDown() override {
    test::Run({kFixtures + "git/git-server.sh", "stop", root_ + "/git"});
    test::Run({kFixtures + "images/registry.sh", "stop", root_ + "/registry"});
    fs::remove_all(root_);
  }

  void StartGit() {
    fs::create_directories(root_ + "/git/public/acme");
    Ran git = test::Run({kFixtures + "git/git-server.sh", "start", root_ + "/git"});
    ASSERT_EQ(git.exit_code, 0) << git.err;
    git_ = git.out.substr(0, git.out.find('\n'));
  }

  void StopServers() {
    test::Run({kFixtures + "git/git-server.sh", "stop", root_ + "/git"});
    test::Run({kFixtures + "images/registry.sh", "stop", root_ + "/registry"});
  }

  // The config file: github.com/acme is the git server; extra JSON fields after it.
  void WriteConfig(const std::string& extra) {
    std::ofstream(root_ + "/config.json") << "{\"module_sources\": {\"github.com/acme\": \"" << git_
                                          << "/git/acme\"}" << extra << "}";
  }

  // Runs host with a state folder of its own (state) and the test's config.
  Ran Host(const std::vector<std::string>& args, const std::string& state = "state",
           const std::string& cwd = "", const std::vector<std::string>& env = {}) {
    std::vector<std::string> all = {"HOST_STATE_DIR=" + root_ + "/" + state,
                                    "HOST_CONFIG=" + root_ + "/config.json"};
    all.insert(all.end(), env.begin(), env.end());
    return test::RunHost(args, all, cwd);
  }

  // A new local C module app/ to install into.
  std::string App(const std::string& name = "app") {
    EXPECT_EQ(Host({"init", "--name", name, "--sdk", "c"}, "state", root_).exit_code, 0);
    return root_ + "/" + name;
  }

  // Moves tag to a new commit of the repository (a changed greeting) on the server.
  void MoveTag(const std::string& tag) {
    const std::string script = "set -e; cd " + root_ + "/upstream/mods && " +
                               "sed -i 's/Howdy/Evil/' greet/src/main.c && "
                               "git -c user.name=t -c user.email=t@t commit -qam evil && "
                               "git tag -f " +
                               tag + " >/dev/null && git push -q -f " + root_ +
                               "/git/public/acme/mods.git main " + tag;
    Ran moved = test::Run({"bash", "-c", script});
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
  }

  std::string root_, registry_, git_;
};

TEST_F(RemoteModulesTest, InstallPinsEveryRemoteModuleAndALockedRunNeedsNoServer) {
  const std::string app = App();
  Ran ran = Host({"install", "github.com/acme/mods/outer@v1"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "Pinned outer/v1.0.0 (")) << ran.out;
  const std::string lock = Read(app + "/host.lock");
  // The git module and the OCI module it depends on are both pinned, with content hashes.
  EXPECT_TRUE(Has(lock, "\"github.com/acme/mods/outer@v1\"")) << lock;
  EXPECT_TRUE(Has(lock, "\"oci://" + registry_ + "/acme/greeter:1.0.0\"")) << lock;
  EXPECT_TRUE(Has(lock, "\"pin\": \"sha256:")) << lock;
  EXPECT_TRUE(Has(lock, "\"hash\": \"sha256:")) << lock;
  EXPECT_TRUE(Has(Read(app + "/module.json"), "github.com/acme/mods/outer@v1"));

  ran = Host({"-m", ".", "functions"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "Module outer: in process: pinned in host.lock")) << ran.out;
  EXPECT_TRUE(Has(ran.out, "Module greeter: in process: pinned in host.lock")) << ran.out;

  // Both servers stopped: a locked run uses only what is stored, and works.
  StopServers();
  ran = Host({"--locked", "-m", ".", "call", "hello", "--name", "you"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, you!\n");
  ran = Host({"-m", "github.com/acme/mods/outer@v1", "functions"}, "state", app, {"HOST_LOCKED=1"});
  EXPECT_EQ(ran.exit_code, 2) << ran.err;
  EXPECT_TRUE(Has(ran.err, "--locked: github.com/acme/mods/outer@v1 is not pinned")) << ran.err;
}

TEST_F(RemoteModulesTest, AMovedTagIsReportedAndNothingOfItLoads) {
  const std::string app = App();
  ASSERT_EQ(Host({"install", "github.com/acme/mods/greet@v1.1.0"}, "state", app).exit_code, 0);
  const std::string lock = Read(app + "/host.lock");
  MoveTag("greet/v1.1.0");
  // With the store, nothing is asked of the server: the pinned files are used.
  Ran ran = Host({"-m", ".", "functions"}, "state", app);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  // An empty state folder resolves the tag again, and finds it moved.
  ran = Host({"-m", ".", "functions"}, "empty-state", app);
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  EXPECT_TRUE(Has(ran.err, "at its source it now names commit")) << ran.err;
  EXPECT_TRUE(Has(ran.err, "The version was moved after it was pinned")) << ran.err;
  EXPECT_TRUE(Has(ran.err, "host update greeter")) << ran.err;
  EXPECT_FALSE(Has(ran.err, "building module 'greeter'")) << ran.err;
  EXPECT_EQ(Read(app + "/host.lock"), lock);
}

TEST_F(RemoteModulesTest, AChangedStoreIsRefusedWithBothHashes) {
  const std::string app = App();
  ASSERT_EQ(Host({"install", "github.com/acme/mods/greet@v1"}, "state", app).exit_code, 0);
  fs::path stored;
  for (const auto& e : fs::directory_iterator(root_ + "/state/modules/git/checkouts")) {
    stored = e.path();
  }
  ASSERT_FALSE(stored.empty());
  std::ofstream(stored / "src" / "main.c", std::ios::app) << "// changed\n";
  Ran ran = Host({"-m", ".", "call", "hello"}, "state", app);
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(Has(ran.err, "hash to sha256:")) << ran.err;
  EXPECT_TRUE(Has(ran.err, "host.lock pins sha256:")) << ran.err;
  EXPECT_TRUE(Has(ran.err, "nothing of it was loaded")) << ran.err;
  EXPECT_EQ(ran.out, "");

  // The stored files restored: the pin holds again.
  ASSERT_EQ(
      test::Run({"bash", "-c",
                 "cd " + root_ + "/upstream/mods && git show greet/v1.1.0:greet/src/main.c > " +
                     (stored / "src" / "main.c").string()})
          .exit_code,
      0);
  ran = Host({"-m", ".", "call", "hello"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  // A built object replaced in the store is not loaded either.
  std::ofstream(stored / "build" / "libgreeter.so", std::ios::app) << "tampered";
  ran = Host({"-m", ".", "call", "hello"}, "state", app);
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(Has(ran.err, "was changed since host built it")) << ran.err;

  // Unpinned, the hash recorded when it was stored catches the same change.
  ran = Host({"-m", "github.com/acme/mods/greet@v1.0.0", "functions"}, "other-state");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  for (const auto& e : fs::directory_iterator(root_ + "/other-state/modules/git/checkouts")) {
    std::ofstream(e.path() / "module.json", std::ios::app) << "\n";
  }
  ran = Host({"-m", "github.com/acme/mods/greet@v1.0.0", "functions"}, "other-state");
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(Has(ran.err, "they were changed")) << ran.err;
}

TEST_F(RemoteModulesTest, UpdateMovesAConstraintAndUninstallRemovesThePin) {
  const std::string app = App();
  ASSERT_EQ(Host({"install", "github.com/acme/mods/greet@v1"}, "state", app).exit_code, 0);
  Ran ran = Host({"update"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "greeter: greet/v1.1.0 (")) << ran.out;
  EXPECT_TRUE(Has(ran.out, "is the newest")) << ran.out;
  // A new release: --locked refuses to move the pin and leaves the lock as it was.
  Ran tagged = test::Run({"bash", "-c",
                          "set -e; cd " + root_ + "/upstream/mods && git tag greet/v1.2.0 && " +
                              "git push -q " + root_ + "/git/public/acme/mods.git greet/v1.2.0"});
  ASSERT_EQ(tagged.exit_code, 0) << tagged.err;
  const std::string before = Read(app + "/host.lock");
  ran = Host({"--locked", "update", "greeter"}, "state", app);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_TRUE(Has(ran.err, "would change")) << ran.err;
  EXPECT_EQ(Read(app + "/host.lock"), before);
  ran = Host({"update", "greeter"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "greeter: greet/v1.1.0 (")) << ran.out;
  EXPECT_TRUE(Has(ran.out, ") -> greet/v1.2.0 (")) << ran.out;
  EXPECT_TRUE(Has(Read(app + "/host.lock"), "greet/v1.2.0"));

  ran = Host({"uninstall", "greeter"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_FALSE(Has(Read(app + "/host.lock"), "greet"));
  EXPECT_FALSE(Has(Read(app + "/module.json"), "greet"));
  ran = Host({"uninstall", "greeter"}, "state", app);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_TRUE(Has(ran.err, "has no dependency 'greeter'")) << ran.err;
}

TEST_F(RemoteModulesTest, UnpinnedModulesAreSandboxedAndSignedOnesTrusted) {
  Ran ran = Host({"-m", "github.com/acme/mods/greet@v1", "call", "hello", "--name", "x"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Howdy, x!\n");
  ran = Host({"-m", "github.com/acme/mods/greet@v1", "functions", "--json"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "\"remoteModules\"")) << ran.out;
  EXPECT_TRUE(Has(ran.out, "sandboxed: not pinned and not signed by a trusted key")) << ran.out;

  // Signed with a key the config trusts for the registry's namespace: in process.
  const std::string key = root_ + "/key";
  const std::string other = root_ + "/other";
  ASSERT_EQ(
      test::Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "release@acme", "-f", key})
          .exit_code,
      0);
  ASSERT_EQ(test::Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other}).exit_code, 0);
  ran = Host({"-m", root_ + "/upstream/mods/greet", "publish",
              "oci://" + registry_ + "/acme/greeter:1.1.0", "--sign", key},
             "publisher-state");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const std::string oci = "oci://" + registry_ + "/acme/greeter:1.1.0";
  std::string pub = Read(key + ".pub");
  pub.pop_back();
  WriteConfig(",\"trusted_keys\": [{\"key\": \"" + pub + "\", \"sources\": [\"oci://" + registry_ +
              "/acme/*\"]}]");
  ran = Host({"-m", oci, "functions"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "Module greeter: in process: signed by trusted key 'release@acme'"))
      << ran.out;

  // The same signature checked against another key: sandboxed, and it says why.
  std::string other_pub = Read(other + ".pub");
  other_pub.pop_back();
  WriteConfig(",\"trusted_keys\": [{\"key\": \"" + other_pub + "\", \"sources\": [\"oci://" +
              registry_ + "/acme/*\"]}]");
  ran = Host({"-m", oci, "call", "hello", "--name", "y"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Howdy, y!\n");
  ran = Host({"-m", oci, "functions"});
  EXPECT_TRUE(Has(ran.out, "Module greeter: sandboxed")) << ran.out;
  EXPECT_TRUE(Has(ran.out, "its signature:")) << ran.out;
}

TEST_F(RemoteModulesTest, APrivateRepositoryTakesATokenFromASecret) {
  const std::string script = "set -e; mkdir -p " + root_ +
                             "/git/private/acme && git clone -q --bare " + root_ +
                             "/upstream/mods " + root_ + "/git/private/acme/secret.git";
  ASSERT_EQ(test::Run({"bash", "-c", script}).exit_code, 0);
  const std::string token = Read(root_ + "/git/token");  // 48 hex digits, no newline
  ASSERT_FALSE(token.empty());
  std::ofstream(root_ + "/config.json")
      << "{\"module_sources\": {\"github.com/acme\": \"" << git_ << "/private/acme\"}}";
  Ran ran = Host({"-m", "github.com/acme/secret/greet@v1.0.0", "functions"});
  EXPECT_NE(ran.exit_code, 0);
  ran = Host({"--git-token", "env://PRIVATE_TOKEN", "-m", "github.com/acme/secret/greet@v1.0.0",
              "functions"},
             "state", "", {"PRIVATE_TOKEN=" + token});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_FALSE(Has(ran.out + ran.err, token));
  Ran grep = test::Run({"grep", "-rqF", token, root_ + "/state"});
  EXPECT_EQ(grep.exit_code, 1) << "the token was written under the state folder";
}

// What a fetched module names cannot widen what it may do: a path dependency, an object outside
// its folder, or a host.lock of its own pinning a module (which would otherwise run in process).
TEST_F(RemoteModulesTest, AFetchedModuleCannotReachOutOfItsFolderOrVouchForItsDependencies) {
  // A module that pins greet in a host.lock of its own (the right commit and hash).
  const std::string app = App();
  ASSERT_EQ(Host({"install", "github.com/acme/mods/greet@v1.0.0"}, "state", app).exit_code, 0);
  const std::string script =
      "set -e; H=" + std::string(HOST_BINARY) + "; cd " + root_ +
      "/upstream/mods && g() { git -c user.name=t -c user.email=t@t \"$@\"; }; "
      "$H init --name voucher --sdk c voucher >/dev/null && "
      "sed -i 's|\"dependencies\": \\[\\]|\"dependencies\": [{\"name\": "
      "\"greeter\", \"source\": \"github.com/acme/mods/greet@v1.0.0\"}]|' "
      "voucher/module.json && cp " +
      app +
      "/host.lock voucher/ && "
      "mkdir pathdep && printf '{\"name\": \"pathdep\", \"sdk\": \"c\", "
      "\"runtime\": {\"command\": [\"true\"]}, \"dependencies\": "
      "[{\"name\": \"sub\", \"source\": \"./sub\"}]}' > pathdep/module.json && "
      "mkdir objout && printf '{\"name\": \"objout\", \"sdk\": \"c\", "
      "\"object\": \"../../../../tmp/libx.so\"}' > objout/module.json && "
      "touch objout/CMakeLists.txt && "
      "g add -A && g commit -qm hostile && g tag hostile/v1 && "
      "git push -q " +
      root_ + "/git/public/acme/mods.git main hostile/v1";
  Ran made = test::Run({"bash", "-c", script});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  Ran ran = Host({"-m", "github.com/acme/mods/voucher@hostile/v1", "functions"}, "fresh");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "Module greeter: sandboxed")) << ran.out;
  EXPECT_TRUE(Has(ran.out, "Module voucher: sandboxed")) << ran.out;

  ran = Host({"-m", "github.com/acme/mods/pathdep@hostile/v1", "functions"}, "fresh");
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(Has(ran.err, "a path; a fetched module names its dependencies by reference"))
      << ran.err;

  ran = Host({"-m", "github.com/acme/mods/objout@hostile/v1", "functions"}, "fresh");
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_TRUE(Has(ran.err, "leaves the module's folder")) << ran.err;
}

// The typed client of a remote dependency works as a local one's: a C++ module calls it.
TEST_F(RemoteModulesTest, ATypedClientCallsARemoteDependency) {
  ASSERT_EQ(Host({"init", "--name", "caller"}, "state", root_).exit_code, 0);
  const std::string app = root_ + "/caller";
  Ran ran = Host({"install", "github.com/acme/mods/greet@v1"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.out, "#include \"deps/greeter.h\"")) << ran.out;
  std::string source = Read(app + "/src/main.cpp");
  source.replace(source.find("#include <string>"), 17,
                 "#include <string>\n\n#include \"deps/greeter.h\"");
  const std::string body = "return greeting + \", \" + name + \"!\";";
  ASSERT_NE(source.find(body), std::string::npos);
  source.replace(source.find(body), body.size(),
                 "return deps::greeter().hello(name) + \" via \" + greeting;");
  std::ofstream(app + "/src/main.cpp", std::ios::trunc) << source;
  ran = Host({"-m", ".", "call", "hello", "--name", "z"}, "state", app);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Howdy, z! via Hello\n");
}

}  // namespace
}  // namespace host
