#include "common/http/http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

// cpp-httplib is included only in .cc files (see the header comment).
#include <httplib.h>

#include "common/logging.h"
#include "common/string_util.h"

namespace basalt {

std::optional<std::string> HttpRequest::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

struct HttpServer::Impl {
  httplib::Server server;
  // Keyed by path, then by upper-case method. Written only before Start(), read concurrently after.
  std::map<std::string, std::map<std::string, HttpHandler>, std::less<>> routes;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  bool started = false;
  int bound_port = -1;
  std::mutex stop_mu;  // Serializes Stop() against itself.

  void Dispatch(const httplib::Request& req, httplib::Response& res) const;
};

void HttpServer::Impl::Dispatch(const httplib::Request& req, httplib::Response& res) const {
  HttpResponse out;
  auto path_it = routes.find(req.path);
  if (path_it == routes.end()) {
    out = HttpResponse::Text(404, "not found: " + req.path + "\n");
  } else {
    const std::string method = ToUpper(req.method == "HEAD" ? "GET" : req.method);
    auto handler_it = path_it->second.find(method);
    if (handler_it == path_it->second.end()) {
      out = HttpResponse::Text(405, "method " + req.method + " not allowed on " + req.path + "\n");
      std::string allow;
      for (const auto& [allowed, handler] : path_it->second) {
        allow += allow.empty() ? allowed : ", " + allowed;
      }
      out.headers.emplace_back("Allow", allow);
    } else {
      HttpRequest request;
      request.method = req.method;
      request.path = req.path;
      request.body = req.body;
      request.remote_addr = req.remote_addr;
      request.params.assign(req.params.begin(), req.params.end());
      request.headers.assign(req.headers.begin(), req.headers.end());
      // Handlers are user code: nothing they throw may unwind into the server's threads.
      try {
        out = handler_it->second(request);
      } catch (const std::exception& e) {
        LOG(ERROR) << "HTTP handler for " << req.method << " " << req.path
                   << " threw: " << e.what();
        out = HttpResponse::Text(500, std::string("internal error: ") + e.what() + "\n");
      } catch (...) {
        LOG(ERROR) << "HTTP handler for " << req.method << " " << req.path << " threw";
        out = HttpResponse::Text(500, "internal error\n");
      }
    }
  }
  res.status = out.status;
  for (const auto& [key, value] : out.headers) res.set_header(key, value);
  res.set_content(out.body, out.content_type);
}

HttpServer::HttpServer(std::string host, int port)
    : host_(std::move(host)), port_(port), impl_(std::make_unique<Impl>()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string_view method, std::string path, HttpHandler handler) {
  CHECK(!impl_->started) << "HttpServer::Handle after Start for " << path;
  impl_->routes[std::move(path)][ToUpper(method)] = std::move(handler);
}

Status HttpServer::Start() {
  CHECK(!impl_->started) << "HttpServer::Start called twice";
  httplib::Server& server = impl_->server;
  // httplib's default sets SO_REUSEPORT, which lets a second process bind the same port silently
  // and split the traffic. SO_REUSEADDR alone still allows a quick restart over TIME_WAIT sockets.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const Impl* impl = impl_.get();
  auto dispatch = [impl](const httplib::Request& req, httplib::Response& res) {
    impl->Dispatch(req, res);
  };
  server.Get(".*", dispatch);
  server.Post(".*", dispatch);
  server.Put(".*", dispatch);
  server.Patch(".*", dispatch);
  server.Delete(".*", dispatch);
  server.Options(".*", dispatch);

  errno = 0;
  int bound = -1;
  if (port_ == 0) {
    bound = server.bind_to_any_port(host_);
  } else if (server.bind_to_port(host_, port_)) {
    bound = port_;
  }
  if (bound <= 0) {
    const int err = errno;
    std::string reason = err != 0 ? std::strerror(err) : "address not usable";
    return Status::IOError("cannot bind HTTP server to " + host_ + ":" + std::to_string(port_) +
                           ": " + reason);
  }
  impl_->bound_port = bound;
  impl_->started = true;
  Impl* mutable_impl = impl_.get();
  impl_->thread = std::thread([mutable_impl] {
    mutable_impl->server.listen_after_bind();
    mutable_impl->listen_returned.store(true);
  });
  // httplib's stop() is a no-op until the accept loop has marked itself running, so wait for that
  // here; otherwise a Stop() right after Start() would leave the loop running forever.
  while (!server.is_running() && !impl_->listen_returned.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (impl_->listen_returned.load()) {
    impl_->thread.join();
    impl_->started = false;
    return Status::IOError("HTTP server on " + host_ + ":" + std::to_string(bound) +
                           " stopped right after starting");
  }
  return Status::OK();
}

void HttpServer::Stop() {
  std::lock_guard lock(impl_->stop_mu);
  if (!impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

int HttpServer::port() const { return impl_->bound_port > 0 ? impl_->bound_port : port_; }

}  // namespace basalt
