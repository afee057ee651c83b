// The infrastructure pipeline end to end, with real parts: the pulumi, gh and iac modules run by
// the host binary and by the example program, images pulled through the registry mirror of the
// config file from a loopback docker-registry, Debian's real gh posting to the GitHub API stand-in,
// and the Pulumi CLI stand-in in the pulumi-go image (tests/fixtures/pipeline.sh starts them all).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first line of a file, as a token file holds it.
std::string FirstLine(const fs::path& path) {
  std::string text = Slurp(path);
  return text.substr(0, text.find('\n'));
}

// A random token, different in every test run.
std::string RandomToken(const std::string& prefix) {
  std::random_device random;
  std::string out = prefix;
  for (int i = 0; i < 24; ++i) out += "abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36];
  return out;
}

class PipelineTest : public ::testing::Test {
 protected:
  // Starts the registry and the GitHub stand-in unless the ctest fixture already did.
  static void SetUpTestSuite() {
    const std::string dir = PIPELINE_DIR;
    if (!fs::exists(dir + "/env")) {
      test::Ran started = test::Run({HOST_SOURCE_DIR "/tests/fixtures/pipeline.sh", "start", dir});
      ASSERT_EQ(started.exit_code, 0) << started.err;
    }
    std::istringstream lines(Slurp(dir + "/env"));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("export ", 0) != 0) continue;
      const auto eq = line.find('=');
      (*env_)[line.substr(7, eq - 7)] = line.substr(eq + 1);
    }
  }

  void SetUp() override {
    ASSERT_TRUE(env_->count("HOST_CONFIG")) << "pipeline.sh wrote no usable env file";
    dir_ = test::TempDir();
    project_ = dir_ + "/project";
    fs::copy(E("PULUMI_PROJECT"), project_, fs::copy_options::recursive);
    // A unique pull request per test, so tests running at once read their own comments.
    std::random_device random;
    pr_ = 100 + static_cast<int>(random() % 800);
    // Requests recorded by earlier runs, which may have used the same number, are not this test's.
    std::error_code none;
    const auto size = fs::file_size(E("GITHUB_REQUESTS"), none);
    requests_before_ = none ? 0 : size;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string E(const std::string& name) { return (*env_)[name]; }

  // The environment of a run: the config file with the registry mirror, a state folder of the
  // test's own, the GitHub token, and extra entries.
  std::vector<std::string> RunEnv(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> env = {
        "HOST_CONFIG=" + E("HOST_CONFIG"), "HOST_STATE_DIR=" + dir_ + "/state",
        "GITHUB_TOKEN=" + FirstLine(E("GITHUB_TOKEN_FILE")), "PULUMI_TOKEN=" + pulumi_token_};
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
  }

  // The iac pipeline's preview on the fixture project, commenting on pull request pr_.
  test::Ran IacPreview(const std::vector<std::string>& extra_env = {},
                       const std::string& ref = "") const {
    return test::RunHost({"-m",
                          "iac",
                          "call",
                          "with-credentials",
                          "--pulumi-token",
                          "env://PULUMI_TOKEN",
                          "with-github",
                          "--host",
                          E("GITHUB_HOST"),
                          "--base",
                          E("GH_IMAGE"),
                          "preview",
                          "--src",
                          project_,
                          "--stack",
                          "prod",
                          "--github-token",
                          "env://GITHUB_TOKEN",
                          "--github-ref",
                          ref.empty() ? "refs/pull/" + std::to_string(pr_) + "/merge" : ref,
                          "--github-repository",
                          "owner/repo"},
                         RunEnv(extra_env));
  }

  // The comment bodies the stand-in accepted for pull request pr_, oldest first.
  std::vector<std::string> Comments() const {
    std::vector<std::string> bodies;
    const std::string recorded = Slurp(E("GITHUB_REQUESTS"));
    std::istringstream lines(recorded.substr(std::min(requests_before_, recorded.size())));
    for (std::string line; std::getline(lines, line);) {
      // A line another test's run is still writing does not parse: it is not ours.
      const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
      if (!entry.is_object() || entry.value("kind", "") != "addComment" ||
          entry.value("auth", "") != "valid") {
        continue;
      }
      const nlohmann::json variables = entry.value("variables", nlohmann::json::object());
      if (variables.value("pr_number", 0) == pr_) bodies.push_back(variables.value("body", ""));
    }
    return bodies;
  }

  static std::map<std::string, std::string>* env_;
  std::string dir_;
  std::string project_;
  int pr_ = 0;
  std::size_t requests_before_ = 0;
  std::string pulumi_token_ = RandomToken("pul-");
};

std::map<std::string, std::string>* PipelineTest::env_ = new std::map<std::string, std::string>;

TEST_F(PipelineTest, ModulesListTheirFunctions) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"pulumi",
       {"from-version", "with-pulumi-token", "with-backend-url", "with-passphrase",
        "with-aws-credentials", "with-env-variable", "with-secret-variable", "preview", "up",
        "refresh", "destroy", "output", "run"}},
      {"gh", {"run", "pr-comment", "container"}},
      {"iac", {"with-credentials", "with-github", "preview", "up"}}};
  for (const auto& [module, functions] : expected) {
    test::Ran ran = test::RunHost({"-m", module, "functions"});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    for (const auto& f : functions) {
      EXPECT_NE(ran.out.find("\n" + f + " "), std::string::npos) << module << " lacks " << f;
    }
    for (const char* state : {"token", "secrets", "base", "repo"}) {
      EXPECT_EQ(ran.out.find("\n" + std::string(state) + " "), std::string::npos)
          << module << " lists its internal state " << state;
    }
  }
}

TEST_F(PipelineTest, PreviewIsPostedOnThePullRequestByteForByte) {
  test::Ran ran = IacPreview();
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("Previewing update (prod):"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("aws:s3/bucket:Bucket::site]"), std::string::npos) << ran.out;
  std::string diff = ran.out;
  while (!diff.empty() && diff.back() == '\n') diff.pop_back();
  std::vector<std::string> comments = Comments();
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0], "#### `pulumi preview` for stack `prod`\n\n```\n" + diff + "\n```\n");
}

TEST_F(PipelineTest, UpRunsPulumiEveryTime) {
  const std::vector<std::string> up = {"-m",     "pulumi",        "call", "with-backend-url",
                                       "--url",  "file:///state", "up",   "--src",
                                       project_, "--stack",       "prod"};
  test::Ran first = test::RunHost(up, RunEnv());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("/updates/1\n"), std::string::npos) << first.out;
  test::Ran second = test::RunHost(up, RunEnv());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("/updates/2\n"), std::string::npos) << second.out;
  // The state is kept in the backend's cache volume: the output up recorded can be read.
  test::Ran output =
      test::RunHost({"-m", "pulumi", "call", "with-backend-url", "--url", "file:///state", "output",
                     "--src", project_, "--stack", "prod", "--property", "bucketName"},
                    RunEnv());
  ASSERT_EQ(output.exit_code, 0) << output.err;
  EXPECT_EQ(output.out.rfind("site-", 0), 0u) << output.out;
}

TEST_F(PipelineTest, PreviewRunsAgainWhenASourceFileChanges) {
  const std::vector<std::string> preview = {
      "-m",      "pulumi", "call",   "with-backend-url", "--url", "file:///state",
      "preview", "--src",  project_, "--stack",          "prod"};
  test::Ran before = test::RunHost(preview, RunEnv());
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.out.find("::logs]"), std::string::npos);
  std::string program = Slurp(project_ + "/main.go");
  const std::string anchor = "ctx.Export(";
  ASSERT_NE(program.find(anchor), std::string::npos);
  program.insert(program.find(anchor),
                 "if _, err := s3.NewBucket(ctx, \"logs\", nil); err != nil {\n"
                 "\t\t\treturn err\n\t\t}\n\t\t");
  std::ofstream(project_ + "/main.go", std::ios::trunc) << program;
  test::Ran after = test::RunHost(preview, RunEnv());
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_NE(after.out.find("aws:s3/bucket:Bucket::logs]"), std::string::npos) << after.out;
  // Only go.mod and go.sum feed the dependency step: it stays cached.
  EXPECT_NE(after.err.find("go mod download CACHED"), std::string::npos) << after.err;
}

TEST_F(PipelineTest, NoSecretAppearsAnywhere) {
  const std::string aws_secret = RandomToken("aws-");
  test::Ran ran = IacPreview({"AWS_SECRET=" + aws_secret, "AWS_KEY=AKIA" + RandomToken("")});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  test::Ran failed = IacPreview({}, "refs/pull/x/merge");
  EXPECT_EQ(failed.exit_code, 1);
  const std::vector<std::string> secrets = {FirstLine(E("GITHUB_TOKEN_FILE")), pulumi_token_};
  std::vector<std::string> places = {ran.out, ran.err, failed.out, failed.err,
                                     Slurp(E("GITHUB_REQUESTS"))};
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/state")) {
    if (entry.is_regular_file()) places.push_back(Slurp(entry.path()));
  }
  for (const auto& secret : secrets) {
    ASSERT_GE(secret.size(), 8u);
    for (const auto& text : places) EXPECT_EQ(text.find(secret), std::string::npos);
  }
}

TEST_F(PipelineTest, MissingCredentialsSayWhatToCall) {
  test::Ran ran = test::RunHost({"-m", "iac", "call", "preview", "--src", project_}, RunEnv());
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("no Pulumi backend: call with-pulumi-token"), std::string::npos)
      << ran.err;
}

TEST_F(PipelineTest, MalformedRefIsQuoted) {
  test::Ran ran = IacPreview({}, "refs/heads/main");
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("github-ref 'refs/heads/main' does not name a pull request: expected "
                         "refs/pull/<number>/merge"),
            std::string::npos)
      << ran.err;
  EXPECT_TRUE(Comments().empty());
}

TEST_F(PipelineTest, ProjectWithoutPulumiYamlIsRefused) {
  fs::remove(project_ + "/Pulumi.yaml");
  test::Ran ran = IacPreview();
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("the source directory has no Pulumi.yaml"), std::string::npos) << ran.err;
}

TEST_F(PipelineTest, GithubRefusingTheTokenFailsTheRun) {
  test::Ran ran = IacPreview({"GITHUB_TOKEN=" + RandomToken("ghp_")});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("HTTP 401: Bad credentials"), std::string::npos) << ran.err;
  EXPECT_TRUE(Comments().empty());
}

TEST_F(PipelineTest, LocalBackendProjectNeedsNoArguments) {
  std::ofstream(project_ + "/Pulumi.yaml", std::ios::app) << "backend:\n  url: file://~\n";
  test::Ran ran = test::RunHost({"-m", "iac", "call", "preview", "--src", "."}, RunEnv(), project_);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("Previewing update (prod):"), std::string::npos) << ran.out;
}

TEST_F(PipelineTest, SeveralStacksNeedAChoice) {
  fs::copy_file(project_ + "/Pulumi.prod.yaml", project_ + "/Pulumi.dev.yaml");
  test::Ran ran = IacPreview();  // --stack prod: fine
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  ran = test::RunHost({"-m", "iac", "call", "with-credentials", "--pulumi-token",
                       "env://PULUMI_TOKEN", "up", "--src", project_},
                      RunEnv());
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("src has several stacks (dev, prod): pass --stack"), std::string::npos)
      << ran.err;
}

TEST_F(PipelineTest, ExampleProgramPreviewsCommentsAndDeploys) {
  const std::vector<std::string> env = RunEnv(
      {"PULUMI_ACCESS_TOKEN=" + pulumi_token_, "GITHUB_SERVER_URL=https://" + E("GITHUB_HOST"),
       "GH_IMAGE=" + E("GH_IMAGE"), "GITHUB_REPOSITORY=owner/repo",
       "GITHUB_REF=refs/pull/" + std::to_string(pr_) + "/merge"});
  test::Ran preview = test::Run({HOST_CI_EXAMPLE, "preview"}, env, project_);
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_NE(preview.out.find("Previewing update (prod):"), std::string::npos) << preview.out;
  ASSERT_EQ(Comments().size(), 1u);
  EXPECT_NE(Comments()[0].find("Previewing update (prod):"), std::string::npos);
  test::Ran up = test::Run({HOST_CI_EXAMPLE, "up", "--stack", "prod"}, env, project_);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("Updating (prod):"), std::string::npos) << up.out;
  test::Ran bad = test::Run({HOST_CI_EXAMPLE, "deploy"}, env, project_);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown command 'deploy'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace host
