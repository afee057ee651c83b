#include "core/index/html_text.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>

namespace host::index {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

bool IsWebUrl(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.size() > 2000) return false;
  for (char c : rest) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
        c == '`') {
      return false;
    }
  }
  return true;
}

std::string LinkOrText(std::string_view url, std::string_view label) {
  std::string shown = Escape(label.empty() ? url : label);
  if (!IsWebUrl(url)) return shown;
  return "<a href=\"" + Escape(url) + "\" rel=\"nofollow noopener\">" + shown + "</a>";
}

namespace {

// Whether a line could be a GFM table's delimiter row ("|---|:-:|", also inside block quotes and
// list items), and how many cells it could start (its runs of '-', an upper bound).
size_t DelimiterCells(std::string_view line) {
  size_t runs = 0;
  bool in_run = false;
  for (char c : line) {
    if (c == '-') {
      if (!in_run) ++runs;
      in_run = true;
      continue;
    }
    in_run = false;
    const bool allowed = c == '|' || c == ':' || c == ' ' || c == '\t' || c == '>' || c == '*' ||
                         c == '+' || c == '.' || c == ')' || c == '\r' || (c >= '0' && c <= '9');
    if (!allowed) return 0;
  }
  return runs;
}

}  // namespace

size_t TableCellBound(std::string_view markdown) {
  // A table's rows are the non-blank lines after its delimiter row, each padded to the
  // delimiter's cell count: every non-blank line costs at most the widest delimiter row seen
  // since the last blank line.
  size_t total = 0, widest = 0;
  size_t start = 0;
  while (start < markdown.size()) {
    size_t end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    const std::string_view line = markdown.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      widest = 0;
      continue;
    }
    const size_t cells = DelimiterCells(line);
    // Parsing a row takes time quadratic in its width: wide tables count as too many cells.
    if (cells > kMaxMarkdownTableColumns) return SIZE_MAX;
    widest = std::max(widest, cells);
    total += widest;
    if (total > (size_t{1} << 40)) break;
  }
  return total;
}

std::string RenderMarkdown(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  if (markdown.size() > kMaxMarkdownBytes) markdown = markdown.substr(0, kMaxMarkdownBytes);
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  cmark_parser* parser = cmark_parser_new(options);
  if (parser == nullptr) return "";
  // cmark-gfm's tables take time quadratic in their columns and rows and pad every row to the
  // header's width (a few KiB of Markdown make gigabytes of HTML): too many cells, no tables.
  const bool tables = TableCellBound(markdown) <= kMaxMarkdownTableCells;
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter"}) {
    if (!tables && std::string_view(name) == "table") continue;
    cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
    if (extension != nullptr) cmark_parser_attach_syntax_extension(parser, extension);
  }
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* document = cmark_parser_finish(parser);
  std::string html;
  if (document != nullptr) {
    char* rendered =
        cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser));
    if (rendered != nullptr) {
      html = rendered;
      std::free(rendered);
    }
    cmark_node_free(document);
  }
  cmark_parser_free(parser);
  return html;
}

}  // namespace host::index
