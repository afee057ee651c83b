#include "core/index/html_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace host::index {
namespace {

std::string Repeat(const std::string& part, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += part;
  return out;
}

TEST(HtmlTextTest, SmallTablesStayTables) {
  const std::string html = RenderMarkdown("| a | b |\n|---|:-:|\n| 1 | 2 |\n");
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td align=\"center\">2</td>"), std::string::npos) << html;
}

TEST(HtmlTextTest, TableWithManyPaddedCellsStaysSmallAndFast) {
  // 300 columns by 3,000 one-character rows: cmark-gfm pads each row to 300 cells (900,000 cells,
  // about 9 MB of HTML from 9 KB of Markdown) and parses it in time quadratic in the width.
  const std::string markdown =
      Repeat("|a", 300) + "|\n" + Repeat("|-", 300) + "|\n" + Repeat("x\n", 3000);
  const auto started = std::chrono::steady_clock::now();
  const std::string html = RenderMarkdown(markdown);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(html.size(), 4 * markdown.size());
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_EQ(html.find("<table>"), std::string::npos);
}

TEST(HtmlTextTest, NarrowTableWithTooManyRowsIsNotATable) {
  const std::string markdown = "|a|b|c|d|\n|-|-|-|-|\n" + Repeat("x\n", 20000);
  EXPECT_GT(TableCellBound(markdown), kMaxMarkdownTableCells);
  const std::string html = RenderMarkdown(markdown);
  EXPECT_EQ(html.find("<td>"), std::string::npos);
  EXPECT_LT(html.size(), 4 * markdown.size());
}

TEST(HtmlTextTest, TableCellBoundCountsRowsUntilABlankLine) {
  // The delimiter row stands for the header row: both have the same number of cells.
  EXPECT_EQ(TableCellBound("|a|b|\n|-|-|\n|1|2|\n\ntext\n"), 4u);
  EXPECT_EQ(TableCellBound("> |a|b|\n> |--|:--|\n> x\n"), 4u);
  EXPECT_EQ(TableCellBound(Repeat("|a", 200) + "|\n" + Repeat("|-", 200) + "|\n"), SIZE_MAX);
  EXPECT_EQ(TableCellBound("plain text\n\nmore text\n"), 0u);
}

}  // namespace
}  // namespace host::index
