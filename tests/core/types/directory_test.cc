// Directories and files: host folders taken in with filters, immutable operations, digests that
// follow content, paths that cannot escape, export.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir();
    state_ = root_ + "/state";
    project_ = root_ + "/project";
    fs::create_directories(project_ + "/src");
    Write(project_ + "/src/main.go", "package main\n");
    Write(project_ + "/build.log", "noise\n");
    Write(project_ + "/.gitignore", "# comment\n*.log\n");
    fs::create_symlink("src/main.go", project_ + "/link");
    RuntimeOptions options;
    options.state_dir = state_;
    engine_ = std::make_unique<Runtime>(options);
  }
  void TearDown() override { fs::remove_all(root_); }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  // Calls function on object (receiver, when given) with string/bool/list arguments.
  Result<v1::Value> Call(const std::string& object, const std::string& function,
                         const v1::Value* receiver,
                         std::vector<std::pair<std::string, v1::Value>> args = {}) {
    v1::Call call;
    call.set_module("core");
    call.set_object(object);
    call.set_function(function);
    if (receiver) *call.mutable_receiver() = receiver->object_value();
    for (auto& [name, value] : args) {
      auto* a = call.add_args();
      a->set_name(name);
      *a->mutable_value() = value;
    }
    return engine_->Call(call);
  }
  static v1::Value S(const std::string& s) {
    v1::Value v;
    v.set_string_value(s);
    return v;
  }
  static std::vector<std::string> Items(const Result<v1::Value>& v) {
    std::vector<std::string> out;
    if (!v.ok()) return {"error: " + v.status().message()};
    for (const auto& i : v->list_value().items()) out.push_back(i.string_value());
    return out;
  }
  Result<v1::Value> HostDir(std::vector<std::pair<std::string, v1::Value>> extra = {}) {
    auto h = Call("Query", "host", nullptr);
    extra.insert(extra.begin(), {"path", S(project_)});
    return Call("Host", "directory", &*h, extra);
  }

  std::string root_, state_, project_;
  std::unique_ptr<Runtime> engine_;
};

TEST_F(DirectoryTest, HostDirectoryWithFilters) {
  auto all = HostDir();
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(Items(Call("Directory", "entries", &*all)),
            (std::vector<std::string>{".gitignore", "build.log", "link", "src"}));
  v1::Value yes;
  yes.set_bool_value(true);
  auto ignored = HostDir({{"gitignore", yes}});
  EXPECT_EQ(Items(Call("Directory", "entries", &*ignored)),
            (std::vector<std::string>{".gitignore", "link", "src"}));
  v1::Value exclude;
  exclude.mutable_list_value()->add_items()->set_string_value("src");
  auto no_src = HostDir({{"exclude", exclude}});
  EXPECT_EQ(Items(Call("Directory", "glob", &*no_src, {{"pattern", S("**/*.go")}})),
            std::vector<std::string>{});
  EXPECT_EQ(Items(Call("Directory", "glob", &*all, {{"pattern", S("**/*.go")}})),
            std::vector<std::string>{"src/main.go"});
}

TEST_F(DirectoryTest, DigestFollowsContent) {
  auto first = Call("Directory", "digest", &*HostDir());
  ASSERT_TRUE(first.ok()) << first.status().message();
  RuntimeOptions options;
  options.state_dir = state_;
  engine_ = std::make_unique<Runtime>(options);  // another session over the same folder
  EXPECT_EQ(Call("Directory", "digest", &*HostDir())->string_value(), first->string_value());
  Write(project_ + "/src/main.go", "package main // changed\n");
  engine_ = std::make_unique<Runtime>(options);
  EXPECT_NE(Call("Directory", "digest", &*HostDir())->string_value(), first->string_value());
}

TEST_F(DirectoryTest, OperationsNeverChangeTheirReceiver) {
  auto dir = HostDir();
  auto changed = Call("Directory", "with-new-file", &*dir,
                      {{"path", S("src/main.go")}, {"contents", S("replaced")}});
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  auto original_file = Call("Directory", "file", &*dir, {{"path", S("src/main.go")}});
  auto new_file = Call("Directory", "file", &*changed, {{"path", S("src/main.go")}});
  EXPECT_EQ(Call("File", "contents", &*original_file)->string_value(), "package main\n");
  EXPECT_EQ(Call("File", "contents", &*new_file)->string_value(), "replaced");
  EXPECT_EQ(Call("File", "size", &*new_file)->int_value(), 8);
  EXPECT_EQ(Call("File", "name", &*new_file)->string_value(), "main.go");
  auto without = Call("Directory", "without-directory", &*changed, {{"path", S("src")}});
  EXPECT_EQ(Items(Call("Directory", "entries", &*without)),
            (std::vector<std::string>{".gitignore", "build.log", "link"}));
  auto empty = Call("Query", "directory", nullptr);
  auto nested =
      Call("Directory", "with-directory", &*empty, {{"path", S("a/b")}, {"directory", *dir}});
  EXPECT_EQ(Items(Call("Directory", "glob", &*nested, {{"pattern", S("a/b/src/*")}})),
            std::vector<std::string>{"a/b/src/main.go"});
  // The host folder itself was never touched.
  std::ifstream in(project_ + "/src/main.go");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "package main\n");
}

TEST_F(DirectoryTest, BadPathsAreUsageErrors) {
  auto dir = HostDir();
  auto escape =
      Call("Directory", "with-new-file", &*dir, {{"path", S("../evil")}, {"contents", S("x")}});
  auto escaped = Call("Directory", "entries", &*escape);
  ASSERT_FALSE(escaped.ok());
  EXPECT_EQ(escaped.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(escaped.status().message().find("path '../evil' leaves its directory"),
            std::string::npos)
      << escaped.status().message();
  auto h = Call("Query", "host", nullptr);
  auto missing = Call("Host", "directory", &*h, {{"path", S(root_ + "/nope")}});
  auto listed = Call("Directory", "entries", &*missing);
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.status().message().find("host directory " + root_ + "/nope does not exist"),
            std::string::npos)
      << listed.status().message();
  auto no_file = Call("Directory", "file", &*dir, {{"path", S("src/none.go")}});
  EXPECT_NE(Call("File", "contents", &*no_file)
                .status()
                .message()
                .find("there is no file src/none.go in the directory"),
            std::string::npos);
}

TEST_F(DirectoryTest, ExportWritesToTheHost) {
  auto dir = HostDir();
  auto out = Call("Directory", "export", &*dir, {{"path", S(root_ + "/out")}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(fs::is_regular_file(root_ + "/out/src/main.go"));
  EXPECT_TRUE(fs::is_symlink(root_ + "/out/link"));
  // From the command line, with -o.
  test::Ran ran = test::RunHost({"-q", "call", "host", "directory", "--path", project_, "file",
                                 "--path", "src/main.go", "-o", root_ + "/copy.go"},
                                {"HOST_STATE_DIR=" + state_});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, root_ + "/copy.go\n");
  EXPECT_TRUE(fs::is_regular_file(root_ + "/copy.go"));
  ran = test::RunHost({"-q", "call", "host", "directory", "--path", project_, "entries", "-o", "x"},
                      {"HOST_STATE_DIR=" + state_});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("-o exports a Container, a Directory or a File"), std::string::npos)
      << ran.err;
}

TEST_F(DirectoryTest, DiffHoldsWhatIsNewOrChanged) {
  for (const char* file : {"/src/main.go", "/.gitignore"}) {
    fs::permissions(project_ + file, fs::perms(0644));  // whatever the umask
  }
  auto base = HostDir();
  v1::Value mode_600;
  mode_600.set_int_value(0600);
  // A changed file, a new file in a new folder, a new file in an existing folder, a mode change,
  // a deletion, and a file rewritten with the same contents.
  auto changed = Call("Directory", "with-new-file", &*base,
                      {{"path", S("src/main.go")}, {"contents", S("package main // changed\n")}});
  changed = Call("Directory", "with-new-file", &*changed,
                 {{"path", S("docs/guide/intro.md")}, {"contents", S("# Intro\n")}});
  changed = Call("Directory", "with-new-file", &*changed,
                 {{"path", S("src/util.go")}, {"contents", S("package main\n")}});
  changed = Call("Directory", "with-new-file", &*changed,
                 {{"path", S(".gitignore")},
                  {"contents", S("# comment\n*.log\n")},
                  {"permissions", mode_600}});
  changed = Call("Directory", "without-file", &*changed, {{"path", S("build.log")}});
  auto same = Call("Directory", "with-new-file", &*base,
                   {{"path", S("src/main.go")}, {"contents", S("package main\n")}});
  ASSERT_TRUE(changed.ok() && same.ok());

  auto diff = Call("Directory", "diff", &*base, {{"other", *changed}});
  ASSERT_TRUE(diff.ok()) << diff.status().message();
  EXPECT_EQ(Items(Call("Directory", "glob", &*diff, {{"pattern", S("**")}})),
            (std::vector<std::string>{".gitignore", "docs", "docs/guide", "docs/guide/intro.md",
                                      "src", "src/main.go", "src/util.go"}));
  auto main_go = Call("Directory", "file", &*diff, {{"path", S("src/main.go")}});
  EXPECT_EQ(Call("File", "contents", &*main_go)->string_value(), "package main // changed\n");
  EXPECT_EQ(
      fs::status(state_ + "/snapshots/" +
                 Call("Directory", "digest", &*diff)->string_value().substr(7) + "/.gitignore")
              .permissions() &
          fs::perms::mask,
      fs::perms::owner_read | fs::perms::owner_write);

  // The other way round: what base has that changed lacks or has otherwise.
  auto back = Call("Directory", "diff", &*changed, {{"other", *base}});
  EXPECT_EQ(Items(Call("Directory", "glob", &*back, {{"pattern", S("**")}})),
            (std::vector<std::string>{".gitignore", "build.log", "src", "src/main.go"}));

  // Equal trees, and a tree with itself, differ in nothing: the empty directory.
  auto empty = Call("Query", "directory", nullptr);
  const std::string empty_digest = Call("Directory", "digest", &*empty)->string_value();
  for (const auto& other : {*base, *same}) {
    auto none = Call("Directory", "diff", &*base, {{"other", other}});
    EXPECT_EQ(Items(Call("Directory", "entries", &*none)), std::vector<std::string>{});
    EXPECT_EQ(Call("Directory", "digest", &*none)->string_value(), empty_digest);
  }
  // Everything is new to the empty directory.
  auto all = Call("Directory", "diff", &*empty, {{"other", *base}});
  EXPECT_EQ(Call("Directory", "digest", &*all)->string_value(),
            Call("Directory", "digest", &*base)->string_value());
  // From the command line, a host folder is the other directory.
  fs::copy(project_, root_ + "/edited",
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  Write(root_ + "/edited/src/main.go", "package main // edited\n");
  test::Ran ran = test::RunHost({"-q", "call", "host", "directory", "--path", project_, "diff",
                                 "--other", root_ + "/edited", "glob", "--pattern", "**"},
                                {"HOST_STATE_DIR=" + state_});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "src\nsrc/main.go\n");
}

}  // namespace
}  // namespace host
