// The iac module: the infrastructure pipeline, built on the pulumi and gh modules through their
// generated clients. On a pull request, `preview` runs `pulumi preview` and posts the diff on the
// pull request; on main, `up` deploys.
#include <host/module.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "comment.h"
#include "deps/gh.h"
#include "deps/pulumi.h"
#include "host/core.h"

// The main object: credentials and GitHub settings, then the pipeline's two jobs.
struct Iac {
  std::optional<host::Secret> pulumi_token;
  std::optional<host::Secret> aws_access_key;
  std::optional<host::Secret> aws_secret_key;
  std::string github_host;
  std::optional<host::Container> github_base;

  Iac with_credentials(const std::optional<host::Secret>& pulumi_token_arg,
                       const std::optional<host::Secret>& aws_access_key_arg,
                       const std::optional<host::Secret>& aws_secret_key_arg) const {
    if (aws_access_key_arg.has_value() != aws_secret_key_arg.has_value()) {
      throw std::invalid_argument(
          "AWS credentials need both aws-access-key and aws-secret-key; only one was given");
    }
    Iac copy = *this;
    if (pulumi_token_arg) copy.pulumi_token = pulumi_token_arg;
    if (aws_access_key_arg) {
      copy.aws_access_key = aws_access_key_arg;
      copy.aws_secret_key = aws_secret_key_arg;
    }
    return copy;
  }

  Iac with_github(const std::optional<std::string>& host,
                  const std::optional<host::Container>& base) const {
    Iac copy = *this;
    if (host) copy.github_host = *host;
    if (base) copy.github_base = base;
    return copy;
  }

  std::string preview(const host::Directory& src, const std::optional<std::string>& stack,
                      const std::optional<host::Secret>& github_token,
                      const std::optional<std::string>& github_ref,
                      const std::optional<std::string>& github_repository) const {
    // Check what the comment needs before spending time on the preview.
    const bool comment = github_token.has_value() && github_ref.has_value();
    int64_t number = 0;
    if (comment) {
      number = iac::PullRequestOf(*github_ref);
      if (github_repository.value_or("").empty()) {
        throw std::invalid_argument(
            "commenting needs github-repository (owner/name, as GITHUB_REPOSITORY gives it)");
      }
    }
    const std::string chosen = iac::ChooseStack(stack.value_or(""), src.entries());
    const std::string diff = Pulumi().preview(src, chosen);
    if (comment) {
      deps::gh(github_token, github_repository, Optional(github_host), std::nullopt, github_base)
          .pr_comment(number, iac::PreviewComment(chosen, diff));
    }
    return diff;
  }

  std::string up(const host::Directory& src, const std::optional<std::string>& stack) const {
    return Pulumi().up(src, iac::ChooseStack(stack.value_or(""), src.entries()));
  }

 private:
  static std::optional<std::string> Optional(const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
  }

  // The pulumi module with this pipeline's credentials.
  deps::Pulumi Pulumi() const {
    deps::Pulumi p = deps::pulumi();
    if (pulumi_token) p = p.with_pulumi_token(*pulumi_token);
    if (aws_access_key) p = p.with_aws_credentials(*aws_access_key, *aws_secret_key);
    return p;
  }
};

HOST_MODULE("iac", m) {
  m.description("The infrastructure pipeline: pulumi preview on pull requests, pulumi up on main.");
  const host::Arg src = host::arg("src", "The Pulumi project's folder.");
  const host::Arg stack =
      host::arg("stack", "The stack (default: the only Pulumi.<stack>.yaml in src).");
  m.object<Iac>("Iac", "Credentials and GitHub settings, then preview or up.")
      .state("pulumi_token", &Iac::pulumi_token)
      .state("aws_access_key", &Iac::aws_access_key)
      .state("aws_secret_key", &Iac::aws_secret_key)
      .state("github_host", &Iac::github_host)
      .state("github_base", &Iac::github_base)
      .function("with_credentials", &Iac::with_credentials, "Credentials for Pulumi Cloud and AWS.",
                {host::arg("pulumi_token", "A Pulumi access token."),
                 host::arg("aws_access_key", "An AWS access key ID."),
                 host::arg("aws_secret_key", "The AWS secret access key.")})
      .function("with_github", &Iac::with_github,
                "Where comments go: a GitHub Enterprise host, an image that has gh.",
                {host::arg("host", "A GitHub Enterprise host (default: github.com)."),
                 host::arg("base", "An image that already has gh on its PATH.")})
      .function("preview", &Iac::preview,
                "Runs pulumi preview; with a token and a pull request ref, posts the diff on the "
                "pull request.",
                {src, stack, host::arg("github_token", "A GitHub token (GITHUB_TOKEN)."),
                 host::arg("github_ref", "refs/pull/<number>/merge (GITHUB_REF)."),
                 host::arg("github_repository", "owner/name (GITHUB_REPOSITORY).")},
                host::Cache::kNever)
      .function("up", &Iac::up, "Runs pulumi up: deploys the stack.", {src, stack},
                host::Cache::kNever);
}
