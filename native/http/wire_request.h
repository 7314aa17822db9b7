// A request as Beast parsed it, turned into the handler's Request: the target split into a
// decoded path and query, the headers in order. The server's one way in, and the request
// fuzzer's (tests/fuzz), so both exercise the same code.
#pragma once

#include <string>

#include <boost/beast/http.hpp>

#include "http/server.h"

namespace nj::http {

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;

Request toRequest(WireRequest&& message, std::string remoteAddress);

}  // namespace nj::http
