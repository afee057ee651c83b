#include "core/modules/trust.h"

#include <gtest/gtest.h>

namespace host::modules {
namespace {

constexpr char kAcmeKey[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIacme acme-release";
constexpr char kOtherKey[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIother";

std::vector<images::Config::TrustedKey> Keys() {
  return {{kAcmeKey, {"github.com/acme/*", "oci://127.0.0.1:5000/acme/*"}},
          {kOtherKey, {"gitlab.com/other/*"}}};
}

TrustFacts Remote(std::string reference) {
  TrustFacts facts;
  facts.kind = reference.rfind("oci://", 0) == 0 ? RefKind::kOci : RefKind::kGit;
  facts.reference = std::move(reference);
  facts.lock_file = "host.lock";
  return facts;
}

TEST(TrustTest, LocalModulesRunInProcess) {
  TrustFacts facts;
  facts.kind = RefKind::kLocal;
  facts.reference = "./probe";
  const TrustDecision decision = DecideRunMode(facts, {});
  EXPECT_EQ(decision.mode, RunMode::kInProcess);
  EXPECT_EQ(decision.reason, "in process: local module");
}

TEST(TrustTest, UnpinnedUnsignedRemoteModuleIsSandboxed) {
  const TrustDecision decision = DecideRunMode(Remote("github.com/acme/modules/probe"), Keys());
  EXPECT_EQ(decision.mode, RunMode::kSandboxed);
  EXPECT_EQ(decision.reason, "sandboxed: not pinned and not signed by a trusted key");
  EXPECT_EQ(RunModeName(decision.mode), "sandboxed");
  EXPECT_EQ(RunModeName(RunMode::kInProcess), "in process");
}

TEST(TrustTest, PinnedRemoteModuleRunsInProcess) {
  TrustFacts facts = Remote("github.com/stranger/modules/probe");
  facts.pinned = true;
  const TrustDecision decision = DecideRunMode(facts, {});
  EXPECT_EQ(decision.mode, RunMode::kInProcess);
  EXPECT_EQ(decision.reason, "in process: pinned in host.lock");
}

TEST(TrustTest, KeyTrustedForTheSourceLetsItRunInProcess) {
  TrustFacts facts = Remote("oci://127.0.0.1:5000/acme/probe");
  facts.signed_by = kAcmeKey;
  const TrustDecision decision = DecideRunMode(facts, Keys());
  EXPECT_EQ(decision.mode, RunMode::kInProcess);
  EXPECT_EQ(decision.reason, "in process: signed by trusted key 'acme-release'");
  // The key's comment does not matter, only the key.
  facts.signed_by = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIacme";
  EXPECT_EQ(DecideRunMode(facts, Keys()).mode, RunMode::kInProcess);
}

TEST(TrustTest, KeyTrustedOnlyForOtherSourcesDoesNotCount) {
  // The acme key signs a module outside acme's patterns: not trusted for it.
  TrustFacts facts = Remote("github.com/evil/modules/probe");
  facts.signed_by = kAcmeKey;
  TrustDecision decision = DecideRunMode(facts, Keys());
  EXPECT_EQ(decision.mode, RunMode::kSandboxed);
  EXPECT_NE(decision.reason.find("not trusted for github.com/evil/modules/probe"),
            std::string::npos);
  // Another trusted key whose patterns cover it does not lend the acme key its trust.
  facts = Remote("gitlab.com/other/probe");
  facts.signed_by = kAcmeKey;
  EXPECT_EQ(DecideRunMode(facts, Keys()).mode, RunMode::kSandboxed);
  facts.signed_by = kOtherKey;
  EXPECT_EQ(DecideRunMode(facts, Keys()).mode, RunMode::kInProcess);
  // A key in no entry at all.
  facts.signed_by = "ssh-ed25519 AAAAunknown";
  EXPECT_EQ(DecideRunMode(facts, Keys()).mode, RunMode::kSandboxed);
}

TEST(TrustTest, PatternsAreGlobsOverTheWholeReference) {
  EXPECT_TRUE(SourceMatches("github.com/acme/*", "github.com/acme/modules/probe"));
  EXPECT_TRUE(SourceMatches("github.com/acme/modules/probe", "github.com/acme/modules/probe"));
  EXPECT_FALSE(SourceMatches("github.com/acme/*", "github.com/acme"));
  EXPECT_FALSE(SourceMatches("github.com/acme/*", "github.com/acme-evil/modules"));
  EXPECT_FALSE(SourceMatches("github.com/acme/*", "evil.com/github.com/acme/x"));
  EXPECT_FALSE(SourceMatches("", "github.com/acme/x"));
  EXPECT_TRUE(SourceMatches("oci://*/acme/*", "oci://127.0.0.1:5000/acme/probe"));
  EXPECT_FALSE(SourceMatches("oci://127.0.0.1:5000/acme/*", "github.com/acme/probe"));
}

TEST(TrustTest, KeysTrustedForAReferenceAreThoseWhosePatternsMatch) {
  std::vector<images::Config::TrustedKey> keys = Keys();
  keys.push_back({std::string(kAcmeKey) + " duplicate", {"github.com/*"}});
  EXPECT_EQ(KeysTrustedFor("github.com/acme/modules/probe", keys),
            std::vector<std::string>{kAcmeKey});
  EXPECT_EQ(KeysTrustedFor("gitlab.com/other/probe", keys), std::vector<std::string>{kOtherKey});
  EXPECT_TRUE(KeysTrustedFor("example.com/x/y", keys).empty());
}

}  // namespace
}  // namespace host::modules
