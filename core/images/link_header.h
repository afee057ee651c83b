// The pagination links of the distribution API's list endpoints (/v2/_catalog, tags/list): the
// rel="next" URL of an HTTP Link header (RFC 8288), kept on the registry that sent it.
#ifndef HOST_IMAGES_LINK_HEADER_H_
#define HOST_IMAGES_LINK_HEADER_H_

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::images {

// The target of the first link whose rel is "next" in a Link header value
// (`<url>; rel="next", <url>; rel="prev"`), as written; "" when there is none.
std::string NextLinkTarget(std::string_view header);

// The path and query of the next page a list endpoint named in header, for a request to the
// registry host ("host[:port]") at path (the page just read, "/v2/_catalog?n=1000"). "" when
// there is no next page. A next URL on another host or endpoint (a path other than path's), or
// one holding characters a URL may not, is an error: pages are read from the registry itself.
Result<std::string> NextPagePath(std::string_view header, std::string_view host,
                                 std::string_view path);

}  // namespace host::images

#endif  // HOST_IMAGES_LINK_HEADER_H_
