// HttpGetText: a bounded, blocking HTTP/1.1 GET of a small text resource, for an FE that shows
// what a node serves (e.g. a CN's load error log) inside a query result.
//
// Bounded on purpose: the caller is usually a SQL statement waiting on the answer, so a node that
// is down or slow costs at most `timeout_ms` (connect and each read), and a huge body is cut at
// `max_bytes` instead of being held in memory. Like HttpServer, nothing of cpp-httplib leaks here.
//
// Thread-safety: free functions with no shared state; safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt {

// The parts of an "http://host[:port]/path[?query]" URL. https is not supported (the nodes serve
// plain HTTP); the port defaults to 80.
struct HttpUrl {
  std::string host;
  int port = 80;
  std::string target;  // Path and query as sent on the request line, e.g. "/api/x?file=a".
};
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpGetOptions {
  int timeout_ms = 2000;             // For connecting and for each read.
  size_t max_bytes = 1024 * 1024;    // The body is cut here (HttpText::truncated).
};

struct HttpText {
  int status = 0;          // HTTP status code.
  std::string body;        // At most max_bytes.
  bool truncated = false;  // The server had more than max_bytes to send.
};

// Fetches the URL. A transport failure (unparsable URL, refused connection, timeout) is an error;
// any HTTP status, 404 included, is a value for the caller to judge.
Result<HttpText> HttpGetText(std::string_view url, const HttpGetOptions& options = {});

}  // namespace basalt
