// The static files every site holds: its style sheet and scripts (no inline code anywhere, so
// the pages' Content-Security-Policy allows scripts and styles from the site only).
#ifndef HOST_CORE_INDEX_SITE_ASSETS_H_
#define HOST_CORE_INDEX_SITE_ASSETS_H_

#include <string_view>

namespace host::index {

// assets/site.css: the layout (header bar, cards, badges, code blocks), phone width included.
std::string_view SiteCss();

// assets/search.js: search and filters on the home pages, loading search.json on first use.
std::string_view SearchJs();

// assets/module.js: copy buttons and the version diff form on module pages.
std::string_view ModuleJs();

}  // namespace host::index

#endif  // HOST_CORE_INDEX_SITE_ASSETS_H_
