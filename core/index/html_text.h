// Text made safe for HTML pages: escaping, links limited to http(s), and Markdown rendered by
// cmark-gfm without raw HTML or unsafe links.
#ifndef HOST_CORE_INDEX_HTML_TEXT_H_
#define HOST_CORE_INDEX_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace host::index {

// text escaped for HTML text and quoted attribute values (& < > " ' and control characters).
std::string Escape(std::string_view text);

// Whether url is an absolute http:// or https:// URL without characters that need escaping
// beyond Escape (the only URLs from a catalog that become links).
bool IsWebUrl(std::string_view url);

// A link to url when it is a web URL, else the escaped text (label defaults to the URL).
std::string LinkOrText(std::string_view url, std::string_view label = {});

// The most Markdown bytes RenderMarkdown reads; the rest is cut.
inline constexpr size_t kMaxMarkdownBytes = 256 * 1024;

// The most table cells (columns times rows, bounded from above by TableCellBound) a README may
// have for its tables to be rendered as tables; beyond, they stay text.
inline constexpr size_t kMaxMarkdownTableCells = 20000;

// The most columns a README's table may have (parsing a row takes time quadratic in its width).
inline constexpr size_t kMaxMarkdownTableColumns = 128;

// An upper bound on the number of GFM table cells markdown makes (cheap: one pass, no parse);
// SIZE_MAX when a delimiter row is wider than kMaxMarkdownTableColumns.
size_t TableCellBound(std::string_view markdown);

// markdown as HTML through cmark-gfm with the table, strikethrough, autolink and tagfilter
// extensions and without CMARK_OPT_UNSAFE: raw HTML becomes a comment and javascript:, vbscript:,
// file: and data: (except images) links are dropped.
std::string RenderMarkdown(std::string_view markdown);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_HTML_TEXT_H_
