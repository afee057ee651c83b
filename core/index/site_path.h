// Turning the path of a request to the index site into a file of the site, safely.
#ifndef HOST_INDEX_SITE_PATH_H_
#define HOST_INDEX_SITE_PATH_H_

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::index {

// The site-relative file a request path names ("/modules/x/" -> "modules/x/index.html",
// "/" -> "index.html"), from the path as the server decoded it. Refuses (as a usage error)
// anything that could reach outside the site or at files the site does not publish: "..", a
// backslash, a control character, a segment starting with "." (the site's marker), more than
// 1,024 bytes or 32 segments.
Result<std::string> SiteRelativePath(std::string_view request_path);

// The Content-Type the site's file name is served with ("text/html; charset=utf-8", ...);
// "application/octet-stream" for names the site does not make.
std::string ContentTypeOf(std::string_view file_name);

}  // namespace host::index

#endif  // HOST_INDEX_SITE_PATH_H_
