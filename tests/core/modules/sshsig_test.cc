// Reading SSHSIG signatures made by ssh-keygen, and refusing broken ones.
#include "core/modules/sshsig.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/modules/signature.h"
#include "tests/support/run.h"

namespace host::modules {
namespace {
namespace fs = std::filesystem;

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const std::string kDigest =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

TEST(SshSignatureTest, ASignatureByAKeyNamesItsTypeFingerprintAndNamespace) {
  const fs::path dir = test::TempDir();
  const fs::path key = dir / "key";
  test::Ran made =
      test::Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", key.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  Result<std::string> signature = SignDigest(key, kDigest);
  ASSERT_TRUE(signature.ok()) << signature.status().message();
  Result<SshSignature> parsed = ParseSshSignature(*signature);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->key_type, "ssh-ed25519");
  EXPECT_EQ(parsed->sig_namespace, "host-module");
  EXPECT_EQ(parsed->hash_algorithm, "sha512");
  std::string line = ReadAll(key.string() + ".pub");
  EXPECT_EQ(line.rfind(parsed->public_key + " ", 0), 0u) << line << " vs " << parsed->public_key;
  test::Ran fingerprint = test::Run({"ssh-keygen", "-l", "-f", key.string() + ".pub"});
  EXPECT_NE(fingerprint.out.find(parsed->fingerprint + " "), std::string::npos) << fingerprint.out;
  // The key inside checks the signature.
  EXPECT_TRUE(VerifyDigest(kDigest, *signature, {parsed->public_key}).ok());
  fs::remove_all(dir);
}

TEST(SshSignatureTest, BrokenSignaturesAreRefusedWithAReason) {
  const std::string begin = "-----BEGIN SSH SIGNATURE-----\n";
  const std::string end = "\n-----END SSH SIGNATURE-----\n";
  for (const std::string& text :
       {std::string(""), std::string("garbage"), begin + "U1NIU0lH" + end,  // magic only
        begin + "!!!!" + end, begin + EncodeBase64(std::string("SSHSIG\0\0\0\2", 10)) + end,
        begin + EncodeBase64(std::string("SSHSIG\0\0\0\1\xff\xff\xff\xff", 14)) + end,
        begin + "U1NIU0lH" + end + "trailing", std::string(70000, 'A')}) {
    Result<SshSignature> parsed = ParseSshSignature(text);
    EXPECT_FALSE(parsed.ok()) << text.substr(0, 80);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().message().rfind("not a valid SSH signature", 0), 0u)
          << parsed.status().message();
    }
  }
}

}  // namespace
}  // namespace host::modules
