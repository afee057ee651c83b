#include "modules/iac/comment.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace iac {
namespace {

// The lines of text, without their newlines.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// Where the fenced block that opens on line `open` closes, by CommonMark's rule: the first later
// line holding only backticks (after up to three spaces, before blanks), at least as many as
// the opening fence has. lines.size() when it never closes.
size_t ClosingLine(const std::vector<std::string>& lines, size_t open) {
  const size_t width = lines[open].size();  // the opening fence is backticks only
  for (size_t i = open + 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || indent > 3 || line[indent] != '`') continue;
    const size_t after = line.find_first_not_of('`', indent);
    const size_t run = (after == std::string::npos ? line.size() : after) - indent;
    const bool only_blanks =
        after == std::string::npos || line.find_first_not_of(" \t", after) == std::string::npos;
    if (run >= width && only_blanks) return i;
  }
  return lines.size();
}

TEST(PreviewComment, PutsThePreviewInAFenceUnderAHeading) {
  EXPECT_EQ(PreviewComment("dev", "Previewing update (dev)\n+ 1 to create\n"),
            "#### `pulumi preview` for stack `dev`\n\n```\nPreviewing update (dev)\n+ 1 to "
            "create\n```\n");
}

TEST(PreviewComment, TrailingNewlinesOfThePreviewAreDropped) {
  EXPECT_EQ(PreviewComment("dev", "done\r\n\n\n"),
            "#### `pulumi preview` for stack `dev`\n\n```\ndone\n```\n");
  EXPECT_EQ(PreviewComment("dev", ""), "#### `pulumi preview` for stack `dev`\n\n```\n\n```\n");
}

TEST(PreviewComment, AFenceInsideThePreviewDoesNotCloseTheBlock) {
  for (const std::string preview : {"before\n```\nafter", "```", "a ```` b\n````\nend", "``````\n",
                                    "x\n  ```\ny", "`\n``\n```\n````\n`````"}) {
    const std::string comment = PreviewComment("prod", preview);
    const std::vector<std::string> lines = Lines(comment);
    ASSERT_GE(lines.size(), 4u) << comment;
    const size_t open = 2;
    ASSERT_EQ(lines[open].find_first_not_of('`'), std::string::npos) << comment;
    // The block closes on the last line, so everything of the preview is inside it.
    EXPECT_EQ(ClosingLine(lines, open), lines.size() - 1) << comment;
    EXPECT_EQ(lines.back(), lines[open]) << comment;
  }
}

TEST(PreviewComment, TheFenceIsOneLongerThanTheLongestRunOfBackticks) {
  EXPECT_EQ(Lines(PreviewComment("s", "a `b` c"))[2], "```");
  EXPECT_EQ(Lines(PreviewComment("s", "``` and ````"))[2], "`````");
  EXPECT_EQ(Lines(PreviewComment("s", std::string(12, '`')))[2], std::string(13, '`'));
}

TEST(PullRequestOf, ReadsTheNumberOfAPullRequestMergeRef) {
  EXPECT_EQ(PullRequestOf("refs/pull/42/merge"), 42);
  EXPECT_EQ(PullRequestOf("refs/pull/999999999999/merge"), 999999999999);
}

TEST(PullRequestOf, RefusesEveryOtherRefQuotingIt) {
  for (const std::string ref :
       {"", "refs/heads/main", "refs/pull/42/head", "refs/pull//merge", "refs/pull/0/merge",
        "refs/pull/042/merge", "refs/pull/-1/merge", "refs/pull/4 2/merge", "refs/pull/42/merge/",
        "refs/pull/1000000000000/merge", "refs/pull/42/../1/merge", "xrefs/pull/42/merge"}) {
    try {
      PullRequestOf(ref);
      ADD_FAILURE() << "accepted: " << ref;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("'" + ref + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(ChooseStack, TheGivenStackWins) {
  EXPECT_EQ(ChooseStack("prod", {"Pulumi.yaml", "Pulumi.dev.yaml"}), "prod");
}

TEST(ChooseStack, TheOnlyStackFileNamesTheStack) {
  EXPECT_EQ(ChooseStack("", {"main.go", "Pulumi.yaml", "Pulumi.dev.yaml", "go.mod"}), "dev");
  EXPECT_EQ(ChooseStack("", {"Pulumi.yaml", "Pulumi.my.org.dev.yaml"}), "my.org.dev");
}

TEST(ChooseStack, NoStackOrSeveralAreErrorsSayingWhatToDo) {
  // Pulumi.yaml, a stack file with an empty name and other suffixes are not stacks.
  for (const std::vector<std::string>& names : std::vector<std::vector<std::string>>{
           {}, {"Pulumi.yaml"}, {"Pulumi..yaml", "Pulumi.dev.yml", "pulumi.dev.yaml"}}) {
    try {
      ChooseStack("", names);
      ADD_FAILURE() << "chose a stack among " << names.size() << " names";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("pass --stack"), std::string::npos) << e.what();
    }
  }
  try {
    ChooseStack("", {"Pulumi.prod.yaml", "Pulumi.yaml", "Pulumi.dev.yaml"});
    ADD_FAILURE() << "chose one of two stacks";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "src has several stacks (dev, prod): pass --stack to choose one");
  }
}

}  // namespace
}  // namespace iac
