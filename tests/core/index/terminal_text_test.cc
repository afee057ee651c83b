#include "core/index/terminal_text.h"

#include <gtest/gtest.h>

namespace host::index {
namespace {

TEST(TerminalTextTest, ControlSequencesAreShownNotSent) {
  // A repository name from a registry's catalog that would retitle the terminal and clear it.
  EXPECT_EQ(TerminalSafe("r\x1b]0;owned\x07\x1b[2J"), "r\\x1b]0;owned\\x07\\x1b[2J");
  EXPECT_EQ(TerminalSafe("line\nhost: index rebuilt"), "line\\x0ahost: index rebuilt");
  EXPECT_EQ(TerminalSafe("a\x7f"
                         "b\r"),
            "a\\x7fb\\x0d");
  EXPECT_EQ(TerminalSafe("csi \xc2\x9b"
                         "31m"),
            "csi \\u{009b}31m");
  EXPECT_EQ(TerminalSafe("x\xe2\x80\xae"
                         "gpj.exe"),
            "x\\u{202e}gpj.exe");
  EXPECT_EQ(TerminalSafe("y\xe2\x81\xa6z"), "y\\u{2066}z");
}

TEST(TerminalTextTest, PrintableTextIsKept) {
  EXPECT_EQ(TerminalSafe("127.0.0.1:5000/mods/pulumi:v1.2.0: its index is not valid JSON"),
            "127.0.0.1:5000/mods/pulumi:v1.2.0: its index is not valid JSON");
  EXPECT_EQ(TerminalSafe("caf\xc3\xa9 \xe2\x80\x94 \xc2\xa0ok"),
            "caf\xc3\xa9 \xe2\x80\x94 \xc2\xa0ok");
}

}  // namespace
}  // namespace host::index
