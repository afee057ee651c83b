#include <filesystem>
#include <fstream>
#include "core/codegen/cpp_client.h"

#include <gtest/gtest.h>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {

TEST(Codegen, ClientOfSemverIsTypedAndCompiles) {
  Runtime engine;
  auto loaded = engine.Load("semver");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::string header = GenerateCppClient((*loaded)->def);
  EXPECT_NE(header.find("enum class Part { MAJOR, MINOR, PATCH };"), std::string::npos) << header;
  EXPECT_NE(header.find("::deps::Semver bump(::deps::Part part) const;"), std::string::npos)
      << header;
  EXPECT_NE(header.find("inline Semver semver(const std::optional<std::string>& version = "
                        "std::nullopt)"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("int64_t major() const;"), std::string::npos);

  // The header compiles on its own against the SDK.
  std::string dir = test::TempDir();
  {
    std::ofstream(dir + "/client.h") << header;
    std::ofstream(dir + "/use.cc") << "#include \"client.h\"\nint main() { return 0; }\n";
  }
  test::Ran ran =
      test::Run({"g++", "-std=c++20", "-fsyntax-only", "-Wall", "-Werror",
                 "-I" HOST_SOURCE_DIR "/sdk/include", "-I" HOST_SOURCE_DIR "/sdk/cpp/include",
                 "-I" + std::string(HOST_WIRE_DIR), dir + "/use.cc"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace host
