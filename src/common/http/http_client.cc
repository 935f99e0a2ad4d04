#include "common/http/http_client.h"

#include <algorithm>
#include <chrono>

// cpp-httplib stays out of the header (see http_server.h), so it is included only in the .cc files.
#include <httplib.h>

namespace basalt {

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("not an http:// URL: " + std::string(url));
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return Status::InvalidArgument("bad port in URL: " + std::string(url));
      value = value * 10 + (c - '0');
    }
    if (port.empty() || value == 0 || value > 65535) {
      return Status::InvalidArgument("bad port in URL: " + std::string(url));
    }
    out.port = value;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return Status::InvalidArgument("no host in URL: " + std::string(url));
  out.host = std::string(authority);
  return out;
}

Result<HttpText> HttpGetText(std::string_view url, const HttpGetOptions& options) {
  ASSIGN_OR_RETURN(HttpUrl parsed, ParseHttpUrl(url));
  httplib::Client client(parsed.host, parsed.port);
  auto timeout = std::chrono::milliseconds(options.timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  HttpText text;
  // The receiver stops the transfer once the cap is reached; httplib then reports Canceled, which
  // here means "truncated", not a failure.
  httplib::Result result = client.Get(
      parsed.target,
      [&](const httplib::Response& response) {
        text.status = response.status;
        return true;
      },
      [&](const char* data, size_t length) {
        size_t room = options.max_bytes - text.body.size();
        text.body.append(data, std::min(room, length));
        if (length > room) {
          text.truncated = true;
          return false;
        }
        return true;
      });
  if (!result && !(result.error() == httplib::Error::Canceled && text.truncated)) {
    std::string what = "GET " + std::string(url) + ": " + httplib::to_string(result.error());
    if (result.error() == httplib::Error::Read || result.error() == httplib::Error::ConnectionTimeout) {
      return Status::TimedOut(what);
    }
    return Status::IOError(what);
  }
  return text;
}

}  // namespace basalt
