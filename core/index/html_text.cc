#include "core/index/html_text.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

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

std::string RenderMarkdown(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  if (markdown.size() > kMaxMarkdownBytes) markdown = markdown.substr(0, kMaxMarkdownBytes);
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  cmark_parser* parser = cmark_parser_new(options);
  if (parser == nullptr) return "";
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter"}) {
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
