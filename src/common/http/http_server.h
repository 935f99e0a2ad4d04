// HttpServer: a small embedded HTTP/1.1 server for health checks, metrics and admin endpoints.
//
// The implementation sits on cpp-httplib, but nothing of it leaks through this header, so callers
// (and their compile times) do not depend on it and the library can be replaced.
//
// Usage:
//   HttpServer server("127.0.0.1", 8040);
//   server.Handle("GET", "/api/health", [](const HttpRequest&) {
//     return HttpResponse::Json(200, R"({"status":"OK"})");
//   });
//   RETURN_IF_ERROR(server.Start());   // binds now; a port in use is an error here
//   ...
//   server.Stop();                     // or let the destructor do it
//
// Routing is by exact path (no patterns, no trailing-slash folding). An unknown path answers 404;
// a known path with another method answers 405. HEAD is served by the GET handler.
//
// Thread-safety: Handle() must be called before Start() and from one thread. Handlers run on the
// server's worker threads, possibly several at once, so they must be thread-safe. An exception
// escaping a handler becomes a 500 response; it never reaches the server thread. Start() and
// Stop() are called from the owning thread; Stop() is idempotent and joins every thread the
// server started, so after it returns no handler is running or will run.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace basalt {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent by the client.
  std::string path;    // Decoded path without the query string.
  std::vector<std::pair<std::string, std::string>> params;   // Decoded query parameters.
  std::vector<std::pair<std::string, std::string>> headers;  // As received.
  std::string body;
  std::string remote_addr;

  // First query parameter with this exact name.
  std::optional<std::string> Param(std::string_view name) const;
  // First header with this name, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Extra headers to send.

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // host: address to bind ("127.0.0.1", "0.0.0.0", "::"). port 0 picks a free port (tests).
  HttpServer(std::string host, int port);
  ~HttpServer();  // Calls Stop().

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers handler for method + exact path; a second registration of the same pair replaces
  // the first. Only before Start().
  void Handle(std::string_view method, std::string path, HttpHandler handler);

  // Binds and starts serving on a background thread. Returns IOError naming host:port when the
  // address cannot be bound (port in use, no permission, unknown host). At most once.
  Status Start();

  // Stops accepting, finishes in-flight requests and joins the threads. Safe to call repeatedly and
  // before Start().
  void Stop();

  // The bound port once Start() succeeded (useful with port 0), else the requested port.
  int port() const;
  const std::string& host() const { return host_; }

 private:
  struct Impl;

  std::string host_;
  int port_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basalt
