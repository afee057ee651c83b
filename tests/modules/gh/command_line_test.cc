#include "modules/gh/command_line.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace gh {
namespace {

using Words = std::vector<std::string>;

TEST(SplitWords, BlanksSeparateWordsAndRunsOfThemCountOnce) {
  EXPECT_EQ(SplitWords("pr list"), (Words{"pr", "list"}));
  EXPECT_EQ(SplitWords("  pr \t list\n--state  open  "), (Words{"pr", "list", "--state", "open"}));
  EXPECT_EQ(SplitWords(""), Words{});
  EXPECT_EQ(SplitWords(" \t\n "), Words{});
}

TEST(SplitWords, SingleQuotesKeepEverythingLiterally) {
  EXPECT_EQ(SplitWords(R"(issue create --title 'a "b" \c $d')"),
            (Words{"issue", "create", "--title", R"(a "b" \c $d)"}));
  EXPECT_EQ(SplitWords(R"('it'\''s')"), Words{"it's"});
}

TEST(SplitWords, DoubleQuotesKeepBlanksAndHonourTheirEscapes) {
  EXPECT_EQ(SplitWords(R"(--body "two  words")"), (Words{"--body", "two  words"}));
  EXPECT_EQ(SplitWords(R"("say \"hi\" \\ back")"), Words{R"(say "hi" \ back)"});
  // As in a shell: a backslash before $ and ` escapes it; before other characters it stays.
  EXPECT_EQ(SplitWords(R"("\$HOME \`x\` \n \a")"), Words{R"($HOME `x` \n \a)"});
}

TEST(SplitWords, QuotedPartsJoinTheWordAroundThem) {
  EXPECT_EQ(SplitWords(R"(--search="label:bug"' is:open'x)"), Words{"--search=label:bug is:openx"});
}

TEST(SplitWords, EmptyQuotesAreEmptyArguments) {
  EXPECT_EQ(SplitWords(R"(--body '' --title "")"), (Words{"--body", "", "--title", ""}));
  EXPECT_EQ(SplitWords(R"('')"), Words{""});
}

TEST(SplitWords, BackslashEscapesOneCharacterOutsideQuotes) {
  EXPECT_EQ(SplitWords(R"(two\ words \'quote\" \\)"), (Words{"two words", R"('quote")", R"(\)"}));
  // A backslash at the very end has nothing to escape and stays.
  EXPECT_EQ(SplitWords(R"(end\)"), Words{R"(end\)"});
}

TEST(SplitWords, BackslashNewlineContinuesTheLine) {
  // A command copied from a script, split over lines: no argument holds a newline.
  EXPECT_EQ(SplitWords("pr list \\\n  --state open"), (Words{"pr", "list", "--state", "open"}));
  EXPECT_EQ(SplitWords("--lim\\\nit 5"), (Words{"--limit", "5"}));
  EXPECT_EQ(SplitWords("\"one \\\ntwo\""), Words{"one two"});
  // Inside single quotes, nothing is special.
  EXPECT_EQ(SplitWords("'a\\\nb'"), Words{"a\\\nb"});
}

TEST(SplitWords, UnterminatedQuotesAreErrorsQuotingTheLine) {
  for (const std::string line : {"pr 'list", R"(pr "list)", R"("ends with \")", "'"}) {
    try {
      SplitWords(line);
      ADD_FAILURE() << "accepted: " << line;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("unterminated"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(line), std::string::npos) << e.what();
    }
  }
}

TEST(SplitWords, ShellCharactersAreOrdinary) {
  // No shell runs: ; | $() and globs are passed to gh as they are.
  EXPECT_EQ(SplitWords("api /user; rm -rf * $(id) | tee"),
            (Words{"api", "/user;", "rm", "-rf", "*", "$(id)", "|", "tee"}));
}

}  // namespace
}  // namespace gh
