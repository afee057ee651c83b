#include "core/modules/signature.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/base/subprocess.h"

namespace host::modules {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kDigest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kOtherDigest =
    "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class SignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/host-signature-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    signer_ = NewKey("signer");
    stranger_ = NewKey("stranger");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Makes an ed25519 key pair without a passphrase; returns the private key's path.
  fs::path NewKey(const std::string& name) {
    const fs::path key = dir_ / name;
    SubprocessSpec spec;
    spec.argv = {"ssh-keygen", "-q", "-t",           "ed25519", "-N",
                 "",           "-C", name + "@test", "-f",      key.string()};
    spec.stdio = {ChildStream::Null(), ChildStream::Pipe(), ChildStream::Pipe()};
    Result<SubprocessOutput> made = RunSubprocess(spec);
    EXPECT_TRUE(made.ok() && made->exit.success()) << (made.ok() ? made->err : "");
    return key;
  }
  static std::string PublicLine(const fs::path& key) {
    std::ifstream in(key.string() + ".pub");
    std::string line;
    std::getline(in, line);
    return line;
  }
  // Signs text in namespace with key using ssh-keygen directly (for signatures host never makes).
  std::string SignRaw(const fs::path& key, std::string_view text, const std::string& ns) {
    SubprocessSpec spec;
    spec.argv = {"ssh-keygen", "-q", "-Y", "sign", "-f", key.string(), "-n", ns};
    spec.stdio = {ChildStream::Pipe(), ChildStream::Pipe(), ChildStream::Pipe()};
    Result<SubprocessOutput> made = RunSubprocess(spec, text);
    EXPECT_TRUE(made.ok() && made->exit.success());
    return made.ok() ? made->out : "";
  }

  fs::path dir_;
  fs::path signer_;
  fs::path stranger_;
};

TEST_F(SignatureTest, SignedDigestVerifiesWithTheSignersKey) {
  Result<std::string> signature = SignDigest(signer_, kDigest);
  ASSERT_TRUE(signature.ok()) << signature.status().message();
  EXPECT_EQ(signature->rfind("-----BEGIN SSH SIGNATURE-----", 0), 0u);
  Result<std::string> by =
      VerifyDigest(kDigest, *signature, {PublicLine(stranger_), PublicLine(signer_)});
  ASSERT_TRUE(by.ok()) << by.status().message();
  EXPECT_EQ(*by, PublicLine(signer_));
}

TEST_F(SignatureTest, SignatureOfAnotherKeyIsRefused) {
  Result<std::string> signature = SignDigest(stranger_, kDigest);
  ASSERT_TRUE(signature.ok()) << signature.status().message();
  Result<std::string> by = VerifyDigest(kDigest, *signature, {PublicLine(signer_)});
  ASSERT_FALSE(by.ok());
  EXPECT_NE(by.status().message().find("signed by no trusted key"), std::string::npos)
      << by.status().message();
  Result<std::string> none = VerifyDigest(kDigest, *signature, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no trusted key"), std::string::npos);
}

TEST_F(SignatureTest, SignatureOverAnotherDigestIsRefused) {
  Result<std::string> signature = SignDigest(signer_, kDigest);
  ASSERT_TRUE(signature.ok()) << signature.status().message();
  Result<std::string> by = VerifyDigest(kOtherDigest, *signature, {PublicLine(signer_)});
  ASSERT_FALSE(by.ok());
  EXPECT_NE(by.status().message().find("does not match"), std::string::npos)
      << by.status().message();
}

TEST_F(SignatureTest, GarbageIsNotASignature) {
  for (const std::string& garbage :
       {std::string("hello"), std::string(""),
        std::string("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"),
        std::string("-----BEGIN SSH SIGNATURE-----\n!!!notbase64\n-----END SSH SIGNATURE-----\n"),
        std::string(100000, 'A')}) {
    Result<std::string> by = VerifyDigest(kDigest, garbage, {PublicLine(signer_)});
    ASSERT_FALSE(by.ok()) << garbage.substr(0, 40);
    EXPECT_NE(by.status().message().find("not a valid SSH signature"), std::string::npos)
        << by.status().message();
  }
}

TEST_F(SignatureTest, SignatureInAnotherNamespaceIsRefused) {
  const std::string git_signature = SignRaw(signer_, kDigest, "git");
  Result<std::string> by = VerifyDigest(kDigest, git_signature, {PublicLine(signer_)});
  ASSERT_FALSE(by.ok());
  EXPECT_NE(by.status().message().find("namespace"), std::string::npos) << by.status().message();
  // The same key and message in the right namespace pass: the namespace alone made it fail.
  const std::string ours = SignRaw(signer_, kDigest, "host-module");
  EXPECT_TRUE(VerifyDigest(kDigest, ours, {PublicLine(signer_)}).ok());
}

TEST_F(SignatureTest, OnlyManifestDigestsAreSignedOrChecked) {
  EXPECT_FALSE(SignDigest(signer_, "sha256:abc").ok());
  EXPECT_FALSE(SignDigest(signer_, std::string(kDigest) + "\n").ok());
  Result<std::string> signature = SignDigest(signer_, kDigest);
  ASSERT_TRUE(signature.ok());
  EXPECT_FALSE(VerifyDigest("SHA256:0123", *signature, {PublicLine(signer_)}).ok());
}

TEST_F(SignatureTest, MalformedTrustedKeyLinesAreRefused) {
  Result<std::string> signature = SignDigest(signer_, kDigest);
  ASSERT_TRUE(signature.ok());
  // A key line that smuggles a second allowed_signers line must not be written as one.
  const std::string smuggled = "ssh-ed25519 AAAA\nkey-0 " + PublicLine(signer_);
  EXPECT_FALSE(VerifyDigest(kDigest, *signature, {smuggled}).ok());
  EXPECT_FALSE(VerifyDigest(kDigest, *signature, {"not a key"}).ok());
}

TEST_F(SignatureTest, MissingKeyFileIsAnErrorNamingIt) {
  Result<std::string> signature = SignDigest(dir_ / "nope", kDigest);
  ASSERT_FALSE(signature.ok());
  EXPECT_NE(signature.status().message().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace host::modules
