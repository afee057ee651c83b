#include "core/index/site.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/index/site_output.h"

namespace host::index {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOldDigest = "sha256:" + std::string(64, 'b');

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json PulumiSchema(bool with_preview) {
  Json functions = Json::array();
  functions.push_back(
      {{"name", "up"},
       {"cli_name", "up"},
       {"description", "Deploys the stack."},
       {"returns", "String"},
       {"args",
        {{{"name", "stack"}, {"cli_name", "stack"}, {"type", "String"}, {"default", "dev"}}}}});
  if (with_preview) {
    functions.push_back({{"name", "preview"},
                         {"cli_name", "preview"},
                         {"description", "Shows the changes."},
                         {"returns", "String"},
                         {"args",
                          {{{"name", "src"}, {"cli_name", "src"}, {"type", "Directory"}},
                           {{"name", "refresh"}, {"cli_name", "refresh"}, {"type", "Boolean?"}}}}});
  }
  return {{"name", "pulumi"},
          {"description", "Runs Pulumi."},
          {"main_object", "Pulumi"},
          {"objects",
           {{{"name", "Pulumi"}, {"description", "Pulumi stacks."}, {"functions", functions}}}},
          {"enums", {{{"name", "Mode"}, {"values", {{{"name", "FAST"}}}}}}}};
}

Json Version(const std::string& version, const std::string& digest, Json schema) {
  return {
      {"version", version},
      {"tag", "v" + version},
      {"digest", digest},
      {"ref", "oci://127.0.0.1:5000/mods/pulumi:v" + version + "@" + digest},
      {"created", "2026-12-01T10:00:00Z"},
      {"description", "Runs Pulumi previews and deployments."},
      {"license", "Apache-2.0"},
      {"source", "https://github.com/acme/mods"},
      {"revision", "0123abcd"},
      {"readme", "# Pulumi\n\nDeploys stacks.\n"},
      {"schema", std::move(schema)},
      {"dependencies",
       {"oci://127.0.0.1:5000/mods/semver:v1.0.0@" + kDigest, "github.com/acme/x@v1"}},
      {"platforms", {{{"os", "linux"}, {"architecture", "amd64"}, {"abi", 3}, {"glibc", "2.36"}}}},
      {"hostAbi", {{"min", 3}, {"max", 3}}},
      {"signature",
       {{"state", "signed"},
        {"fingerprint", "SHA256:trustedkey"},
        {"keyType", "ssh-ed25519"},
        {"trusted", true},
        {"problem", ""}}},
      {"yanked", nullptr}};
}

Json Catalog() {
  Json pulumi_rc = Version("1.3.0-rc.1", "sha256:" + std::string(64, 'c'), PulumiSchema(true));
  Json pulumi = Version("1.2.0", kDigest, PulumiSchema(true));
  Json pulumi_old = Version("1.1.0", kOldDigest, PulumiSchema(false));
  pulumi_old["yanked"] = {{"reason", "broke preview on empty stacks"}};
  pulumi_old["signature"] = {{"state", "invalid"}, {"problem", "the signature does not match"}};
  Json semver = Version("1.0.0", kDigest, nullptr);
  semver["ref"] = "oci://127.0.0.1:5000/mods/semver:v1.0.0@" + kDigest;
  semver["dependencies"] = Json::array();
  semver["platforms"] = Json::array();
  semver["hostAbi"] = nullptr;
  semver["signature"] = {{"state", "unsigned"}};
  semver["description"] = "Semantic versions.";
  Json untrusted = Version("0.1.0", kDigest, nullptr);
  untrusted["signature"] = {
      {"state", "signed"}, {"fingerprint", "SHA256:otherkey"}, {"trusted", false}};
  untrusted["dependencies"] = Json::array();
  return {
      {"catalogVersion", 1},
      {"generated", "2026-12-07T13:00:00Z"},
      {"registries", {"127.0.0.1:5000/mods"}},
      {"problems", {"127.0.0.1:5000/mods/broken:1.0.0: its index is not valid JSON"}},
      {"modules",
       {{{"name", "pulumi"},
         {"repository", "127.0.0.1:5000/mods/pulumi"},
         {"versions", {pulumi_rc, pulumi, pulumi_old}}},
        {{"name", "semver"}, {"repository", "127.0.0.1:5000/mods/semver"}, {"versions", {semver}}},
        {{"name", "tool"},
         {"repository", "127.0.0.1:5000/mods/tool"},
         {"versions", {untrusted}}}}}};
}

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/host-index-site-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    out_ = dir_ / "site";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const Json& catalog) {
    Status status = WriteSite(catalog, out_, SiteOptions{});
    ASSERT_TRUE(status.ok()) << status.message();
  }
  std::string Page(const std::string& relative) { return Read(out_ / relative); }

  fs::path dir_;
  fs::path out_;
};

TEST_F(SiteTest, PagesExistAndEveryRelativeLinkResolves) {
  Write(Catalog());
  for (const char* file :
       {"index.html", "recent.html", "search.json", "assets/site.css", "assets/search.js",
        "assets/module.js", "assets/search-data.js", ".host-index-site",
        "modules/pulumi/index.html", "modules/pulumi/1.2.0/index.html",
        "modules/pulumi/1.1.0/index.html", "modules/pulumi/1.3.0-rc.1/index.html",
        "modules/pulumi/diff/1.1.0..1.2.0.html", "modules/pulumi/diff/1.1.0..1.3.0-rc.1.html",
        "modules/pulumi/diff/1.2.0..1.3.0-rc.1.html", "modules/semver/index.html",
        "modules/semver/1.0.0/index.html"}) {
    EXPECT_TRUE(fs::exists(out_ / file)) << file;
  }
  EXPECT_FALSE(fs::exists(out_ / "page-2.html"));
  const std::regex link("(?:href|src)=\"([^\"]*)\"");
  size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out_)) {
    if (entry.path().extension() != ".html") continue;
    const std::string html = Read(entry.path());
    EXPECT_NE(
        html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; "
                  "script-src 'self'; style-src 'self'; img-src 'self' data:; object-src "
                  "'none'; base-uri 'none'\">"),
        std::string::npos)
        << entry.path();
    EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos) << entry.path();
    EXPECT_EQ(html.find("style="), std::string::npos) << entry.path();
    for (std::sregex_iterator it(html.begin(), html.end(), link), end; it != end; ++it) {
      std::string target = (*it)[1];
      if (target.rfind("http", 0) == 0 || target.empty() || target[0] == '#' ||
          target == "data:,") {
        continue;
      }
      EXPECT_NE(target[0], '/') << "absolute link " << target << " in " << entry.path();
      target = target.substr(0, target.find('#'));
      EXPECT_TRUE(fs::exists(entry.path().parent_path() / target))
          << target << " linked from " << entry.path();
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
  // The home lists modules by name; recent.html is the other order, reachable without script.
  const std::string home = Page("index.html");
  EXPECT_LT(home.find(">pulumi<"), home.find(">semver<"));
  EXPECT_NE(home.find("href=\"recent.html\""), std::string::npos);
  EXPECT_NE(home.find("its index is not valid JSON"), std::string::npos);
}

TEST_F(SiteTest, ReadmeCannotRunScript) {
  Json catalog = Catalog();
  catalog["modules"][0]["versions"][1]["readme"] =
      "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
      "[x](javascript:alert(1)) [y](vbscript:msgbox) [z](file:///etc/passwd) "
      "[w](data:text/html;base64,PHNjcmlwdD4=)\n\n<iframe src=\"https://evil\"></iframe>\n\n| a | "
      "b |\n"
      "|---|---|\n| ~~c~~ | https://example.com |\n";
  catalog["modules"][0]["versions"][1]["description"] = "<script>alert(3)</script>\" onload=\"x";
  Write(catalog);
  for (const std::string page :
       {"modules/pulumi/index.html", "modules/pulumi/1.2.0/index.html", "index.html"}) {
    std::string html = Page(page);
    for (char& c : html) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(html.find("<script>"), std::string::npos) << page;
    EXPECT_EQ(html.find("<script", html.find("</main>")) == std::string::npos, false) << page;
    const size_t main_end = html.find("</main>");
    EXPECT_EQ(html.substr(0, main_end).find("<script"), std::string::npos) << page;
    EXPECT_EQ(html.find("onerror"), std::string::npos) << page;
    EXPECT_EQ(html.find("javascript:"), std::string::npos) << page;
    EXPECT_EQ(html.find("vbscript:"), std::string::npos) << page;
    EXPECT_EQ(html.find("file:///"), std::string::npos) << page;
    EXPECT_EQ(html.find("data:text/html"), std::string::npos) << page;
    EXPECT_EQ(html.find("<iframe"), std::string::npos) << page;
    EXPECT_EQ(html.find("\" onload=\""), std::string::npos) << page;
  }
  const std::string page = Page("modules/pulumi/index.html");
  EXPECT_NE(page.find("<table>"), std::string::npos);  // GFM tables
  EXPECT_NE(page.find("<del>c</del>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"https://example.com\">"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(3)"), std::string::npos);
}

TEST_F(SiteTest, HostileNamesStayInsideTheSite) {
  Json catalog = Catalog();
  for (const char* name : {"../../etc", "..", ".", "/abs", "a/b", "", "CON\\x"}) {
    Json version = Version("1.0.0", kDigest, nullptr);
    version["version"] = std::string("../") + name;
    Json other = Version("2.0.0", kDigest, nullptr);
    other["version"] = "..";
    catalog["modules"].push_back(
        {{"name", name}, {"repository", std::string("r/") + name}, {"versions", {version, other}}});
  }
  Write(catalog);
  // Nothing was written beside the site, and every file is under it.
  std::set<std::string> beside;
  for (const auto& entry : fs::directory_iterator(dir_)) beside.insert(entry.path().filename());
  EXPECT_EQ(beside, std::set<std::string>{"site"});
  const std::string root = fs::canonical(out_).string() + "/";
  std::set<std::string> module_dirs;
  for (const auto& entry : fs::recursive_directory_iterator(out_)) {
    EXPECT_EQ(fs::canonical(entry.path()).string().rfind(root, 0), 0u) << entry.path();
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-"), std::string::npos)
        << entry.path();
  }
  for (const auto& entry : fs::directory_iterator(out_ / "modules")) {
    module_dirs.insert(entry.path().filename());
  }
  EXPECT_EQ(module_dirs.size(), 3u + 6u);  // "" has no name and no repository name: skipped
}

TEST_F(SiteTest, SignatureYankedAndBinaryStates) {
  Write(Catalog());
  const std::string latest = Page("modules/pulumi/index.html");
  EXPECT_NE(latest.find("signed, key SHA256:trustedkey, trusted by this index"), std::string::npos);
  EXPECT_NE(latest.find("<span class=\"badge plat\">linux/amd64</span>"), std::string::npos);
  EXPECT_NE(latest.find("<dt>Host ABI</dt><dd>3</dd>"), std::string::npos);
  const std::string yanked = Page("modules/pulumi/1.1.0/index.html");
  EXPECT_NE(yanked.find("invalid signature: the signature does not match"), std::string::npos);
  EXPECT_NE(yanked.find("This version was yanked: broke preview on empty stacks"),
            std::string::npos);
  EXPECT_NE(latest.find("yanked</span> <span class=\"muted\">broke preview on empty stacks"),
            std::string::npos);
  EXPECT_NE(latest.find("pre-release</span>"), std::string::npos);
  const std::string semver = Page("modules/semver/index.html");
  EXPECT_NE(semver.find("<dd>unsigned</dd>"), std::string::npos);
  EXPECT_NE(semver.find("built from source on first use"), std::string::npos);
  EXPECT_NE(semver.find("This version publishes no schema."), std::string::npos);
  EXPECT_NE(Page("modules/tool/index.html").find("signed by an untrusted key (SHA256:otherkey)"),
            std::string::npos);
}

TEST_F(SiteTest, LatestSkipsPreReleasesAndOlderVersionsSayNotLatest) {
  Write(Catalog());
  const std::string latest = Page("modules/pulumi/index.html");
  EXPECT_NE(latest.find("<span class=\"badge\">1.2.0</span>"), std::string::npos);
  EXPECT_EQ(latest.find("not the latest"), std::string::npos);
  for (const char* page :
       {"modules/pulumi/1.1.0/index.html", "modules/pulumi/1.3.0-rc.1/index.html"}) {
    EXPECT_NE(Page(page).find("This is not the latest version of pulumi: the latest is <a "
                              "href=\"../1.2.0/index.html\">1.2.0</a>"),
              std::string::npos)
        << page;
  }
  EXPECT_EQ(Page("modules/pulumi/1.2.0/index.html").find("not the latest"), std::string::npos);
}

TEST_F(SiteTest, DependenciesLinkAndUsedBy) {
  Write(Catalog());
  const std::string pulumi = Page("modules/pulumi/index.html");
  EXPECT_NE(pulumi.find("<a href=\"../../modules/semver/index.html\">semver</a>"),
            std::string::npos);
  EXPECT_NE(pulumi.find("<li><code>github.com/acme/x@v1</code></li>"), std::string::npos);
  const std::string semver = Page("modules/semver/index.html");
  EXPECT_NE(
      semver.find("<dt>Used by</dt><dd><a href=\"../../modules/pulumi/index.html\">pulumi</a>"),
      std::string::npos);
  EXPECT_NE(pulumi.find("<dt>Used by</dt><dd>no module in this index"), std::string::npos);
}

TEST_F(SiteTest, InstallCommandAndExamplesCarryVersionAndDigest) {
  Write(Catalog());
  const std::string page = Page("modules/pulumi/index.html");
  const std::string ref = "oci://127.0.0.1:5000/mods/pulumi:v1.2.0@" + kDigest;
  EXPECT_NE(page.find("<pre>host install " + ref + "</pre>"), std::string::npos);
  EXPECT_NE(page.find("<pre>host -m " + ref + " functions</pre>"), std::string::npos);
  EXPECT_NE(page.find("<pre>host -m " + ref + " call preview --src &lt;Directory&gt;</pre>"),
            std::string::npos);
  EXPECT_NE(page.find("<pre>host -m " + ref + " call up</pre>"), std::string::npos);
  EXPECT_NE(page.find("id=\"fn-Pulumi-preview\""), std::string::npos);
  EXPECT_NE(page.find("id=\"enum-Mode\""), std::string::npos);
  EXPECT_NE(page.find("<a href=\"https://github.com/acme/mods\" rel=\"nofollow noopener\">"),
            std::string::npos);
}

TEST_F(SiteTest, UnsafeReferencesAndLinksAreNotOffered) {
  Json catalog = Catalog();
  Json& version = catalog["modules"][0]["versions"][1];
  version["ref"] = "oci://r/p:v1;rm -rf ~";
  version["source"] = "javascript:alert(1)";
  version["schema"]["objects"][0]["functions"][1]["args"][0]["cli_name"] = "src;reboot";
  Write(catalog);
  const std::string page = Page("modules/pulumi/index.html");
  EXPECT_EQ(page.find("host install"), std::string::npos);
  EXPECT_NE(page.find("no usable reference"), std::string::npos);
  EXPECT_EQ(page.find("href=\"javascript"), std::string::npos);
  EXPECT_EQ(page.find("call preview"), std::string::npos);
}

TEST_F(SiteTest, SearchDataHoldsFunctionsAndArguments) {
  Write(Catalog());
  Json search = Json::parse(Page("search.json"));
  ASSERT_EQ(search["modules"].size(), 3u);
  const Json& pulumi = search["modules"][0];
  EXPECT_EQ(pulumi["name"], "pulumi");
  EXPECT_EQ(pulumi["url"], "modules/pulumi/index.html");
  EXPECT_EQ(pulumi["version"], "1.2.0");
  EXPECT_EQ(pulumi["date"], "2026-12-01");
  // Modules that claim one name are told apart by repository and signature trust.
  EXPECT_EQ(pulumi["repository"], "127.0.0.1:5000/mods/pulumi");
  EXPECT_EQ(pulumi["trusted"], true);
  EXPECT_EQ(search["modules"][2]["trusted"], false);
  EXPECT_EQ(pulumi["functions"], Json({"preview", "up"}));
  EXPECT_EQ(pulumi["arguments"], Json({"refresh", "src", "stack"}));
  EXPECT_EQ(pulumi["platforms"], Json({"linux/amd64"}));
  EXPECT_EQ(pulumi["abi"], Json({{"min", 3}, {"max", 3}}));
  EXPECT_TRUE(search["modules"][1]["abi"].is_null());
  EXPECT_EQ(Page("assets/search-data.js"), "window.HOST_SEARCH=" + Page("search.json") + ";\n");
  // The home page does not load the search data at start.
  EXPECT_EQ(Page("index.html").find("search.json"), std::string::npos);
  EXPECT_NE(Page("index.html").find("<script src=\"assets/search.js\"></script>"),
            std::string::npos);
}

TEST_F(SiteTest, DiffPageListsAddedRemovedAndChanged) {
  Json catalog = Catalog();
  catalog["modules"][0]["versions"][1]["schema"]["objects"][0]["functions"][0]["returns"] = "Void";
  catalog["modules"][0]["versions"][2]["schema"]["enums"][0]["values"].push_back(
      {{"name", "SLOW"}});
  Write(catalog);
  const std::string diff = Page("modules/pulumi/diff/1.1.0..1.2.0.html");
  EXPECT_NE(diff.find("<li class=\"added\"><code>function Pulumi.preview</code></li>"),
            std::string::npos);
  EXPECT_NE(diff.find("<li class=\"removed\"><code>enum value Mode.SLOW</code></li>"),
            std::string::npos);
  EXPECT_NE(
      diff.find(
          "<li class=\"changed\"><code>function Pulumi.up</code>: return type String → Void</li>"),
      std::string::npos);
  const std::string same = Page("modules/pulumi/diff/1.2.0..1.3.0-rc.1.html");
  EXPECT_NE(same.find("<li class=\"changed\"><code>function Pulumi.up</code>"), std::string::npos);
  // The version page offers the comparison as a form (script) and as plain links.
  const std::string page = Page("modules/pulumi/1.2.0/index.html");
  EXPECT_NE(page.find("<form id=\"diff-form\""), std::string::npos);
  EXPECT_NE(page.find("data-base=\"../diff/\""), std::string::npos);
  EXPECT_NE(page.find("<a href=\"../diff/1.1.0..1.2.0.html\">1.1.0 → 1.2.0</a>"),
            std::string::npos);
}

TEST_F(SiteTest, ManyVersionsDiffOnlyNeighbours) {
  Json catalog = Catalog();
  Json versions = Json::array();
  for (int i = 30; i >= 1; --i) {
    versions.push_back(Version("1." + std::to_string(i) + ".0", kDigest, PulumiSchema(i % 2)));
  }
  catalog["modules"][0]["versions"] = versions;
  Write(catalog);
  EXPECT_TRUE(fs::exists(out_ / "modules/pulumi/diff/1.29.0..1.30.0.html"));
  EXPECT_FALSE(fs::exists(out_ / "modules/pulumi/diff/1.1.0..1.30.0.html"));
  size_t diffs = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(out_ / "modules/pulumi/diff")) {
    if (entry.path().extension() == ".html") ++diffs;
  }
  EXPECT_EQ(diffs, 29u);
  EXPECT_EQ(Page("modules/pulumi/index.html").find("diff-form"), std::string::npos);
}

TEST_F(SiteTest, ManyVersionsKeepEachVersionPageSmall) {
  // Every version page listing every version (and every neighbour diff) makes a module with n
  // versions cost n^2 bytes: 1,000 tags of one repository would write gigabytes.
  Json catalog = Catalog();
  Json versions = Json::array();
  for (int i = 300; i >= 1; --i) {
    Json version = Version("2." + std::to_string(i) + ".0", kDigest, nullptr);
    version["readme"] = "";
    versions.push_back(std::move(version));
  }
  catalog["modules"][0]["versions"] = versions;
  Write(catalog);
  size_t largest = 0, pages = 0;
  for (const auto& entry : fs::directory_iterator(out_ / "modules/pulumi")) {
    if (!entry.is_directory() || entry.path().filename() == "diff") continue;
    largest = std::max<size_t>(largest, fs::file_size(entry.path() / "index.html"));
    ++pages;
  }
  EXPECT_EQ(pages, 300u);
  EXPECT_LT(largest, 20000u);
  const std::string middle = Page("modules/pulumi/2.150.0/index.html");
  EXPECT_NE(middle.find("href=\"../2.145.0/index.html\""), std::string::npos);
  EXPECT_EQ(middle.find("href=\"../2.1.0/index.html\""), std::string::npos);
  EXPECT_NE(middle.find("href=\"../diff/2.149.0..2.150.0.html\""), std::string::npos);
  EXPECT_EQ(middle.find("href=\"../diff/2.1.0..2.2.0.html\""), std::string::npos);
  EXPECT_NE(middle.find("href=\"../versions.html\""), std::string::npos);
  const std::string all = Page("modules/pulumi/versions.html");
  EXPECT_NE(all.find("href=\"2.1.0/index.html\""), std::string::npos);
  EXPECT_NE(all.find("href=\"diff/2.1.0..2.2.0.html\""), std::string::npos);
  EXPECT_NE(all.find("href=\"2.300.0/index.html\""), std::string::npos);
}

TEST_F(SiteTest, DiffPagesOfHugeSchemasStaySmall) {
  // 10 objects of 2,000 functions each, every one returning another type in the newer version:
  // 20,000 changes, each a line of the diff page.
  auto schema = [](const std::string& returns) {
    Json objects = Json::array();
    for (int o = 0; o < 10; ++o) {
      Json functions = Json::array();
      for (int f = 0; f < 2000; ++f) {
        const std::string name = "f" + std::to_string(f);
        functions.push_back({{"name", name}, {"cli_name", name}, {"returns", returns}});
      }
      objects.push_back({{"name", "O" + std::to_string(o)}, {"functions", functions}});
    }
    return Json{{"name", "pulumi"}, {"objects", objects}};
  };
  Json catalog = Catalog();
  catalog["modules"][0]["versions"][1]["schema"] = schema("Void");
  catalog["modules"][0]["versions"][2]["schema"] = schema("String");
  Write(catalog);
  const std::string diff = Page("modules/pulumi/diff/1.1.0..1.2.0.html");
  EXPECT_LT(diff.size(), 100000u);
  EXPECT_NE(diff.find("more not shown"), std::string::npos);
  EXPECT_NE(diff.find(">20000<"), std::string::npos);  // the count still says all
}

TEST_F(SiteTest, AReadmeThatGrowsTooMuchAsHtmlIsNotShown) {
  // 200 KB of '>' nest 200,000 block quotes: about 5 MB of HTML on every page of the version.
  Json catalog = Catalog();
  catalog["modules"][0]["versions"][1]["readme"] = std::string(200000, '>') + "deep\n";
  Write(catalog);
  const std::string page = Page("modules/pulumi/index.html");
  EXPECT_LT(page.size(), 200000u);
  EXPECT_NE(page.find("The README is too large to show here"), std::string::npos);
  EXPECT_NE(Page("modules/pulumi/1.1.0/index.html").find("<h1>Pulumi</h1>"), std::string::npos);
}

TEST_F(SiteTest, SameNameInTwoRegistriesGetsDistinctStableSlugs) {
  Json catalog = Catalog();
  Json other = catalog["modules"][0];
  other["repository"] = "example.com/other/pulumi";
  catalog["modules"].push_back(other);
  Write(catalog);
  std::set<std::string> slugs;
  for (const auto& entry : fs::directory_iterator(out_ / "modules"))
    slugs.insert(entry.path().filename());
  EXPECT_EQ(slugs.size(), 4u);
  EXPECT_FALSE(slugs.count("pulumi"));
  const std::set<std::string> first = slugs;
  catalog["modules"].push_back(catalog["modules"][1]);  // order and neighbours do not matter
  std::swap(catalog["modules"][0], catalog["modules"][3]);
  catalog["modules"][4]["repository"] = "elsewhere/semver2";
  Write(catalog);
  for (const std::string& slug : first) {
    if (slug.rfind("pulumi-", 0) == 0) {
      EXPECT_TRUE(fs::exists(out_ / "modules" / slug)) << slug;
    }
  }
}

TEST_F(SiteTest, HomePagesArePagedAndStayUnderTheTransferBudget) {
  Json catalog = Catalog();
  Json modules = Json::array();
  for (int i = 0; i < 1000; ++i) {
    Json version = Version("1.0." + std::to_string(i), kDigest, PulumiSchema(true));
    version["readme"] = "";
    version["description"] = "Module number " + std::to_string(i) + " runs a tool with care.";
    version["created"] = "2026-11-" + std::to_string(10 + i % 20) + "T10:00:00Z";
    modules.push_back({{"name", "mod" + std::to_string(1000 + i)},
                       {"repository", "127.0.0.1:5000/mods/mod" + std::to_string(i)},
                       {"versions", {version}}});
  }
  catalog["modules"] = modules;
  Write(catalog);
  for (const char* page : {"page-2.html", "page-10.html", "recent-10.html"}) {
    EXPECT_TRUE(fs::exists(out_ / page)) << page;
  }
  EXPECT_FALSE(fs::exists(out_ / "page-11.html"));
  const std::string home = Page("index.html");
  EXPECT_NE(home.find("<a href=\"page-2.html\">Next →</a>"), std::string::npos);
  size_t items = 0;
  for (size_t at = home.find("<li><div class=\"head\">"); at != std::string::npos;
       at = home.find("<li><div class=\"head\">", at + 1)) {
    ++items;
  }
  EXPECT_EQ(items, 100u);
  size_t transferred = 0;
  for (const char* file : {"index.html.gz", "assets/site.css.gz", "assets/search.js.gz"}) {
    ASSERT_TRUE(fs::exists(out_ / file)) << file;
    transferred += fs::file_size(out_ / file);
  }
  std::printf("home page with 1,000 modules: %zu bytes transferred (gzip)\n", transferred);
  EXPECT_LE(transferred, 100u * 1000u);
}

TEST_F(SiteTest, GzipSiblingsHoldTheSameBytesAndTime) {
  Write(Catalog());
  size_t compressed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out_)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".gz") continue;
    const fs::path gz = entry.path().string() + ".gz";
    if (entry.file_size() < kGzipFromBytes) {
      EXPECT_FALSE(fs::exists(gz)) << gz;
      continue;
    }
    ASSERT_TRUE(fs::exists(gz)) << gz;
    const std::string packed = Read(gz);
    std::string unpacked(entry.file_size() + 1, '\0');
    z_stream stream{};
    ASSERT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    stream.avail_in = packed.size();
    stream.next_out = reinterpret_cast<Bytef*>(unpacked.data());
    stream.avail_out = unpacked.size();
    EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END) << gz;
    unpacked.resize(stream.total_out);
    inflateEnd(&stream);
    EXPECT_EQ(unpacked, Read(entry.path())) << gz;
    struct stat a {
    }, b{};
    ASSERT_EQ(stat(entry.path().c_str(), &a), 0);
    ASSERT_EQ(stat(gz.c_str(), &b), 0);
    EXPECT_EQ(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
    EXPECT_EQ(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);
    ++compressed;
  }
  EXPECT_GT(compressed, 5u);
}

TEST_F(SiteTest, ReplacesAnEarlierSiteWhole) {
  Write(Catalog());
  const fs::file_status before = fs::status(out_);
  EXPECT_TRUE(fs::is_directory(before));
  Json catalog = Catalog();
  catalog["modules"].erase(2);  // no more "tool"
  Write(catalog);
  EXPECT_FALSE(fs::exists(out_ / "modules/tool"));
  EXPECT_TRUE(fs::exists(out_ / "modules/pulumi/index.html"));
  EXPECT_TRUE(fs::exists(out_ / kSiteMarker));
  std::set<std::string> beside;
  for (const auto& entry : fs::directory_iterator(dir_)) beside.insert(entry.path().filename());
  EXPECT_EQ(beside, std::set<std::string>{"site"});  // no building folder or old site left
}

TEST_F(SiteTest, AFailedBuildLeavesTheOldSite) {
  Write(Catalog());
  const std::string home = Page("index.html");
  Json catalog = Catalog();
  catalog["catalogVersion"] = 2;
  Status status = WriteSite(catalog, out_, SiteOptions{});
  EXPECT_EQ(status.kind(), ErrorKind::kUsage);
  EXPECT_NE(status.message().find("catalogVersion"), std::string::npos);
  EXPECT_EQ(Page("index.html"), home);
  // A build that fails midway (here: the building folder cannot be written) keeps it too.
  chmod(dir_.c_str(), 0555);
  status = WriteSite(Catalog(), out_, SiteOptions{});
  chmod(dir_.c_str(), 0755);
  if (geteuid() != 0) {
    EXPECT_FALSE(status.ok());
  }
  EXPECT_TRUE(fs::exists(out_ / "index.html"));
}

TEST_F(SiteTest, FilesPutInTheFolderDuringABuildAreKept) {
  // The folder was empty when the build began; the user filled it before the build finished.
  fs::create_directories(out_);
  Result<SiteOutput> output = SiteOutput::Begin(out_);
  ASSERT_TRUE(output.ok()) << output.status().message();
  ASSERT_TRUE(output->Write("index.html", "new site").ok());
  { std::ofstream(out_ / "thesis.txt") << "years of work"; }
  Status status = output->Commit();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(out_.string()), std::string::npos) << status.message();
  EXPECT_EQ(Read(out_ / "thesis.txt"), "years of work");
  EXPECT_FALSE(fs::exists(out_ / "index.html"));
}

TEST_F(SiteTest, RefusesAFolderThatIsNotASite) {
  fs::create_directories(out_);
  { std::ofstream(out_ / "thesis.txt") << "years of work"; }
  Status status = WriteSite(Catalog(), out_, SiteOptions{});
  EXPECT_EQ(status.kind(), ErrorKind::kUsage);
  EXPECT_NE(status.message().find(out_.string()), std::string::npos) << status.message();
  EXPECT_EQ(Read(out_ / "thesis.txt"), "years of work");
  std::set<std::string> beside;
  for (const auto& entry : fs::directory_iterator(dir_)) beside.insert(entry.path().filename());
  EXPECT_EQ(beside, std::set<std::string>{"site"});
  // An empty folder is fine.
  fs::remove(out_ / "thesis.txt");
  Write(Catalog());
  EXPECT_TRUE(fs::exists(out_ / "index.html"));
  // A folder whose parents do not exist yet is created.
  ASSERT_TRUE(WriteSite(Catalog(), dir_ / "a/b/site/", SiteOptions{}).ok());
  EXPECT_TRUE(fs::exists(dir_ / "a/b/site/index.html"));
  EXPECT_TRUE(fs::exists(dir_ / "a/b/site" / kSiteMarker));
}

TEST_F(SiteTest, CatalogsOfTheWrongShape) {
  EXPECT_EQ(WriteSite(Json::array(), out_, SiteOptions{}).kind(), ErrorKind::kUsage);
  EXPECT_EQ(WriteSite(Json{{"catalogVersion", 1}, {"modules", 3}}, out_, SiteOptions{}).kind(),
            ErrorKind::kUsage);
  Json odd = {{"catalogVersion", 1},
              {"registries", {1, nullptr}},
              {"problems", "x"},
              {"modules",
               {1,
                "x",
                nullptr,
                Json::object(),
                {{"name", 3}, {"versions", {{{"version", 7}}}}},
                {{"name", "ok"},
                 {"repository", Json::array()},
                 {"versions",
                  {{{"version", "1.0.0"},
                    {"schema", {{"objects", {{{"name", "O"}, {"functions", {1, {{"args", 5}}}}}}}}},
                    {"platforms", {1, {{"os", 2}}}},
                    {"hostAbi", {{"min", "x"}}},
                    {"signature", 5},
                    {"dependencies", {7, "oci://"}},
                    {"yanked", {{"reason", 9}}},
                    {"readme", 3}}}}}}}};
  Write(odd);
  EXPECT_TRUE(fs::exists(out_ / "modules/ok/1.0.0/index.html"));
  SiteOptions titled;
  titled.title = "<b>Acme</b>";
  ASSERT_TRUE(WriteSite(Catalog(), out_, titled).ok());
  EXPECT_NE(Page("index.html").find("&lt;b&gt;Acme&lt;/b&gt;"), std::string::npos);
}

}  // namespace
}  // namespace host::index
