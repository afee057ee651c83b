// The C SDK as module authors use it: every kind of value in and out of a C module (cvals), a C
// module calling a C and a C++ module through typed C clients (ccall), and the errors they see.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/run.h"

namespace host {
namespace {

// The output of `host -m MODULE call ARGS...`, failing the test when it exits non-zero.
std::string Call(const std::string& module, std::vector<std::string> args) {
  args.insert(args.begin(), {"-m", test::TestModule(module), "call"});
  test::Ran ran = test::RunHost(args);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  return ran.out;
}

TEST(CSdk, ListsOfEveryScalarBothWays) {
  EXPECT_EQ(Call("cvals", {"doubled", "--numbers", "1,-2,3"}), "2\n-4\n6\n");
  EXPECT_EQ(Call("cvals", {"halved", "--numbers", "1,5.5"}), "0.5\n2.75\n");
  EXPECT_EQ(Call("cvals", {"negated", "--flags", "true,false"}), "false\ntrue\n");
  EXPECT_EQ(Call("cvals", {"reversed", "--items", "a,b,c"}), "c\nb\na\n");
}

TEST(CSdk, EnumsBothWays) {
  EXPECT_EQ(Call("cvals", {"next", "--color", "BLUE"}), "RED\n");
  EXPECT_EQ(Call("cvals", {"shifted", "--colors", "RED,GREEN"}), "GREEN\nBLUE\n");
  test::Ran ran =
      test::RunHost({"-m", test::TestModule("cvals"), "call", "next", "--color", "PINK"});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("'PINK' is not a value of Color (one of: RED, GREEN, BLUE)"),
            std::string::npos)
      << ran.err;
}

TEST(CSdk, OptionalValuesBothWays) {
  EXPECT_EQ(Call("cvals", {"greet", "--name", "ann"}), "hi ann\n");
  EXPECT_EQ(Call("cvals", {"greet"}), "");
  EXPECT_EQ(Call("cvals", {"successor", "--n", "41"}), "42\n");
  EXPECT_EQ(Call("cvals", {"successor"}), "");
}

TEST(CSdk, ObjectsWithFieldsAndFunctions) {
  EXPECT_EQ(Call("cvals", {"point", "--x", "3", "--y", "4", "x"}), "3\n");
  EXPECT_EQ(Call("cvals", {"point", "--x", "3", "--y", "4", "moved", "--dx", "2", "label"}),
            "(5, 4)\n");
  EXPECT_EQ(
      Call("cvals", {"point", "--x", "1", "--y", "2", "moved", "--dx", "1", "--dy", "-5", "y"}),
      "-3\n");
}

TEST(CSdk, ABadListItemIsNamedByItsIndex) {
  // A C module sends [1, "two"] where [Int] is declared: the index goes with the item.
  EXPECT_EQ(Call("ccall", {"bad-item"}), "argument --numbers: item 1 must be Int, got a String\n");
}

TEST(CSdk, TypedCClientsCallCAndCxxModules) {
  EXPECT_EQ(Call("ccall", {"roundtrip"}),
            "doubled=2,4,6 halved=0.5,2.5 negated=0,1 reversed=c,b,a empty=0 next=BLUE "
            "shifted=GREEN,RED greet=hi x greet0=(absent) successor=4 successor0=(absent) "
            "point.x=3 moved=(4, 4) diagonal=3 total=6\n");
  EXPECT_EQ(Call("ccall", {"via-gxx", "--text", "hi"}), "c:hi 3 4.5\n");
}

TEST(CSdk, ATypedCallThatFailsSaysWhy) {
  EXPECT_EQ(Call("ccall", {"error"}),
            "function 'fail' of module 'cvals' failed: cvals failed: on purpose\n");
}

TEST(CSdk, ManyTypedCallsInOneFunction) {
  // 20,000 calls, each in a scope: sum of i + 1 for i below n.
  EXPECT_EQ(Call("ccall", {"loop", "--n", "20000"}), "200010000\n");
}

}  // namespace
}  // namespace host
