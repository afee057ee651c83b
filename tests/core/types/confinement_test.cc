// Paths stay inside their tree: symlinks and ".." in directories, images and steps never lead
// host to read, write or delete a host file, and exports replace links instead of following them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/base/tree_path.h"
#include "core/engine/engine.h"
#include "tests/support/calls.h"
#include "tests/support/container_fixture.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Every path under root with its contents (or link target), to check that nothing changed.
std::set<std::string> Listing(const fs::path& root) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = it->path().lexically_relative(root).string();
    if (it->is_symlink(ec)) {
      out.insert(rel + " -> " + fs::read_symlink(it->path(), ec).string());
    } else if (it->is_regular_file(ec)) {
      out.insert(rel + ": " + Read(it->path()));
    } else {
      out.insert(rel + "/");
    }
  }
  return out;
}

class DirectoryConfinementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir();
    victim_ = root_ + "/victim";  // a host folder nothing may reach
    fs::create_directories(victim_ + "/sub");
    std::ofstream(victim_ + "/secret") << "HOST-SECRET";
    std::ofstream(victim_ + "/sub/keep") << "keep";
    project_ = root_ + "/project";
    fs::create_directories(project_);
    fs::create_symlink(victim_, project_ + "/out");              // absolute, to a host folder
    fs::create_symlink(victim_ + "/secret", project_ + "/abs");  // absolute, to a host file
    fs::create_symlink("../../../../../../../../.." + victim_ + "/secret", project_ + "/rel");
    fs::create_symlink("loop", project_ + "/loop");
    before_ = Listing(victim_);
    RuntimeOptions options;
    options.state_dir = root_ + "/state";
    engine_ = std::make_unique<Runtime>(options);
  }
  void TearDown() override {
    EXPECT_EQ(Listing(victim_), before_) << "a host file outside the tree changed";
    fs::remove_all(root_);
  }

  static v1::Value S(const std::string& s) { return test::Str(s); }
  Result<v1::Value> Call(const std::string& object, const std::string& function,
                         const v1::Value* receiver,
                         const std::vector<std::pair<std::string, v1::Value>>& args = {}) {
    v1::Call call = test::MakeCall("core", object, function, args);
    if (receiver) *call.mutable_receiver() = receiver->object_value();
    return engine_->Call(call);
  }
  v1::Value Project() {
    auto h = Call("Query", "host", nullptr);
    auto dir = Call("Host", "directory", &*h, {{"path", S(project_)}});
    EXPECT_TRUE(dir.ok()) << dir.status().message();
    return dir.ok() ? *dir : v1::Value();
  }
  Result<v1::Value> Contents(const v1::Value& dir, const std::string& path) {
    auto file = Call("Directory", "file", &dir, {{"path", S(path)}});
    if (!file.ok()) return file;
    return Call("File", "contents", &*file);
  }
  std::vector<std::string> Entries(const v1::Value& dir, const std::string& path = "") {
    auto listed = Call("Directory", "entries", &dir, {{"path", S(path)}});
    std::vector<std::string> out;
    if (!listed.ok()) return {"error: " + listed.status().message()};
    for (const auto& i : listed->list_value().items()) out.push_back(i.string_value());
    return out;
  }

  std::string root_, victim_, project_;
  std::set<std::string> before_;
  std::unique_ptr<Runtime> engine_;
};

TEST_F(DirectoryConfinementTest, LinksToHostFilesAreNotRead) {
  v1::Value dir = Project();
  for (const char* link : {"abs", "rel", "out/secret"}) {
    auto read = Contents(dir, link);
    ASSERT_FALSE(read.ok()) << link << " read " << read->string_value();
    EXPECT_NE(read.status().message().find("there is no file"), std::string::npos)
        << read.status().message();
  }
  auto looped = Contents(dir, "loop");
  ASSERT_FALSE(looped.ok());
  EXPECT_NE(looped.status().message().find("too many levels of symbolic links"), std::string::npos)
      << looped.status().message();
  EXPECT_EQ(Entries(dir, "out")[0].rfind("error: ", 0), 0u);  // the link leads nowhere inside
}

TEST_F(DirectoryConfinementTest, WritesThroughALinkStayInsideTheTree) {
  v1::Value dir = Project();
  auto written = Call("Directory", "with-new-file", &dir,
                      {{"path", S("out/secret")}, {"contents", S("overwritten")}});
  ASSERT_TRUE(written.ok()) << written.status().message();
  // The link resolved as in a chroot: the file is at the link's target inside the tree.
  auto inside = Contents(*written, victim_ + "/secret");
  ASSERT_TRUE(inside.ok()) << inside.status().message();
  EXPECT_EQ(inside->string_value(), "overwritten");
  auto copied = Call("Directory", "with-directory", &dir, {{"path", S("out")}, {"directory", dir}});
  ASSERT_TRUE(copied.ok()) << copied.status().message();
  EXPECT_TRUE(Call("Directory", "entries", &*copied).ok());
  auto on_link = Call("Directory", "with-new-file", &dir,
                      {{"path", S("abs")}, {"contents", S("replaces the link")}});
  EXPECT_EQ(Contents(*on_link, "abs")->string_value(), "replaces the link");
}

TEST_F(DirectoryConfinementTest, RemovalsThroughALinkRemoveNothingOnTheHost) {
  v1::Value dir = Project();
  auto no_file = Call("Directory", "without-file", &dir, {{"path", S("out/secret")}});
  ASSERT_TRUE(Call("Directory", "entries", &*no_file).ok());
  auto no_sub = Call("Directory", "without-directory", &dir, {{"path", S("out/sub")}});
  ASSERT_TRUE(Call("Directory", "entries", &*no_sub).ok());
  auto no_link = Call("Directory", "without-directory", &dir, {{"path", S("out")}});
  auto left = Entries(*no_link);
  EXPECT_EQ(std::count(left.begin(), left.end(), "out"), 0);
}

TEST_F(DirectoryConfinementTest, ExportReplacesLinksInTheDestination) {
  fs::create_directories(project_ + "/d");
  std::ofstream(project_ + "/d/secret") << "from the directory";
  std::ofstream(project_ + "/suid") << "x";
  chmod((project_ + "/suid").c_str(), 06755);
  v1::Value dir = Project();
  const std::string dest = root_ + "/dest";
  fs::create_directories(dest);
  fs::create_symlink(victim_, dest + "/d");  // left there before, by anyone
  auto out = Call("Directory", "export", &dir, {{"path", S(dest)}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_FALSE(fs::is_symlink(dest + "/d"));
  EXPECT_EQ(Read(dest + "/d/secret"), "from the directory");
  struct stat st {};
  ASSERT_EQ(lstat((dest + "/suid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 06000, 0u) << "setuid or setgid bits reached the host";
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  // A File exported onto a link replaces the link.
  fs::create_symlink(victim_ + "/secret", dest + "/file-link");
  auto file = Call("Directory", "file", &dir, {{"path", S("suid")}});
  ASSERT_TRUE(Call("File", "export", &*file, {{"path", S(dest + "/file-link")}}).ok());
  EXPECT_FALSE(fs::is_symlink(dest + "/file-link"));
  EXPECT_EQ(Read(dest + "/file-link"), "x");
  ASSERT_EQ(lstat((dest + "/file-link").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 06000, 0u);
}

TEST_F(DirectoryConfinementTest, AFileCannotReplaceTheDirectoryItself) {
  v1::Value dir = Project();
  for (const char* path : {"/", ".", ""}) {
    auto written =
        Call("Directory", "with-new-file", &dir, {{"path", S(path)}, {"contents", S("x")}});
    auto listed = Call("Directory", "entries", &*written);
    ASSERT_FALSE(listed.ok()) << "'" << path << "' was accepted";
    EXPECT_NE(listed.status().message().find("names the directory itself"), std::string::npos)
        << listed.status().message();
  }
  auto empty = Call("Query", "directory", nullptr);  // the store still gives real directories
  EXPECT_TRUE(Call("Directory", "entries", &*empty).ok());
}

TEST_F(DirectoryConfinementTest, ExportToALinkIsRefused) {
  v1::Value dir = Project();
  fs::create_symlink(victim_, root_ + "/dest-link");
  auto out = Call("Directory", "export", &dir, {{"path", S(root_ + "/dest-link")}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("it is a symlink"), std::string::npos)
      << out.status().message();
}

TEST(TreePathTest, ResolvingIsBoundedByLinksAndByNames) {
  // Every "a" is a link to a long path of folders that ends in "a" again.
  std::string target = "/";
  for (int i = 0; i < 150; ++i) target += "b/";
  target += "a";
  TreeLookup lookup = [&](const std::string& relative) {
    TreeEntry entry;
    bool link = relative.size() >= 1 && relative.back() == 'a';
    entry.kind = link ? TreeEntry::Kind::kSymlink : TreeEntry::Kind::kDirectory;
    if (link) entry.link_target = target;
    return entry;
  };
  Result<std::string> long_chain = ResolveInTree("a", lookup, LastLink::kFollow);
  ASSERT_FALSE(long_chain.ok());
  EXPECT_NE(long_chain.status().message().find("names to look up"), std::string::npos)
      << long_chain.status().message();
  TreeLookup loop = [](const std::string&) { return TreeEntry{TreeEntry::Kind::kSymlink, "x"}; };
  Result<std::string> looped = ResolveInTree("x", loop, LastLink::kFollow);
  ASSERT_FALSE(looped.ok());
  EXPECT_NE(looped.status().message().find("too many levels of symbolic links"), std::string::npos);
  TreeLookup dirs = [](const std::string&) { return TreeEntry{TreeEntry::Kind::kDirectory, ""}; };
  EXPECT_EQ(*ResolveInTree("/../a/./b/../../../c", dirs, LastLink::kFollow), "c");
}

// Containers: what a step leaves in its layers is resolved inside the container.
class ContainerConfinementTest : public ContainerTest {
 protected:
  void SetUp() override {
    ContainerTest::SetUp();
    victim_ = state_ + "-victim";
    fs::create_directories(victim_);
    std::ofstream(victim_ + "/secret") << "HOST-SECRET";
    before_ = Listing(victim_);
  }
  void TearDown() override {
    EXPECT_EQ(Listing(victim_), before_) << "a host file outside the container changed";
    fs::remove_all(victim_);
    ContainerTest::TearDown();
  }
  std::vector<Step> Shell(const std::string& script) const {
    return Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", script})}}}});
  }
  std::string victim_;
  std::set<std::string> before_;
};

TEST_F(ContainerConfinementTest, LinksMadeByAStepAreNotReadOnTheHost) {
  auto engine = MakeEngine();
  setenv("HOST_CONFINEMENT_CANARY", "CANARY-IN-HOST-ENVIRONMENT", 1);
  const std::string script = "ln -s /proc/self/environ /e; ln -s " + victim_ + "/secret /s; " +
                             "ln -s ../../../../../../.." + victim_ + "/secret /r";
  for (const char* path : {"/e", "/s", "/r"}) {
    auto read =
        Chain(*engine, Plus(Shell(script), {{"file", {{"path", S(path)}}}, {"contents", {}}}));
    ASSERT_FALSE(read.ok()) << path << " read " << read->string_value();
    EXPECT_NE(read.status().message().find("there is no file"), std::string::npos)
        << read.status().message();
  }
  // Nor carried on into another container.
  auto file = Chain(*engine, Plus(Shell(script), {{"file", {{"path", S("/s")}}}}));
  ASSERT_TRUE(file.ok());  // lazy: the error comes when the file is needed
  std::vector<Step> with = Plus(From(), {{"with-file", {{"path", S("/copy")}, {"source", *file}}},
                                         {"with-exec", {{"args", L({"cat", "/copy"})}}},
                                         {"stdout", {}}});
  auto out = Chain(*engine, with);
  ASSERT_FALSE(out.ok()) << out->string_value();
  unsetenv("HOST_CONFINEMENT_CANARY");
}

TEST_F(ContainerConfinementTest, WritesAndMergesThroughLinksStayInsideTheContainer) {
  auto engine = MakeEngine();
  // A file written through a link to a host folder lands in the container's own folder.
  auto written =
      Chain(*engine, Plus(Shell("ln -s " + victim_ + " /out"),
                          {{"with-new-file", {{"path", S("/out/new")}, {"contents", S("inside")}}},
                           {"with-exec", {{"args", L({"cat", victim_ + "/new"})}}},
                           {"stdout", {}}}));
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->string_value(), "inside");
  // A lower layer's link to a host folder, replaced by a folder in an upper layer: reading the
  // merged tree writes nothing through the link.
  auto merged = Chain(
      *engine,
      Plus(Shell("ln -s " + victim_ + " /a"),
           {{"with-exec", {{"args", L({"sh", "-c", "rm /a; mkdir /a; echo hi > /a/secret"})}}},
            {"directory", {{"path", S("/")}}},
            {"file", {{"path", S("a/secret")}}},
            {"contents", {}}}));
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_EQ(merged->string_value(), "hi\n");
  auto through = Chain(*engine, Plus(Shell("ln -s " + victim_ + " /d"),
                                     {{"directory", {{"path", S("/d")}}}, {"entries", {}}}));
  EXPECT_FALSE(through.ok());
}

}  // namespace
}  // namespace host
