#include "common/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace basalt {
namespace {

// Sends one raw HTTP/1.1 request to 127.0.0.1:port with "Connection: close" and returns the whole
// response (status line, headers, body), or "" if the connection failed.
std::string RawRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body = "") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" +
                        "Connection: close\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buf[4096];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return response;
}

std::string BodyOf(const std::string& response) {
  size_t pos = response.find("\r\n\r\n");
  return pos == std::string::npos ? "" : response.substr(pos + 4);
}

TEST(HttpServerTest, ServesRegisteredHandlerOnEphemeralPort) {
  HttpServer server("127.0.0.1", 0);
  server.Handle("GET", "/api/health", [](const HttpRequest& req) {
    return HttpResponse::Json(200, R"({"status":"OK"})");
  });
  ASSERT_TRUE(server.Start().ok());
  ASSERT_GT(server.port(), 0);

  std::string response = RawRequest(server.port(), "GET", "/api/health");
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: application/json"), std::string::npos) << response;
  EXPECT_EQ(BodyOf(response), R"({"status":"OK"})");
  server.Stop();
}

TEST(HttpServerTest, PassesQueryParamsHeadersAndBody) {
  HttpServer server("127.0.0.1", 0);
  server.Handle("POST", "/echo", [](const HttpRequest& req) {
    return HttpResponse::Text(201, req.method + "|" + req.Param("x").value_or("-") + "|" +
                                       req.Header("HOST").value_or("-") + "|" + req.body);
  });
  ASSERT_TRUE(server.Start().ok());
  std::string response = RawRequest(server.port(), "POST", "/echo?x=a%20b", "payload");
  EXPECT_EQ(response.rfind("HTTP/1.1 201", 0), 0u) << response;
  EXPECT_EQ(BodyOf(response), "POST|a b|localhost|payload");
}

TEST(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  HttpServer server("127.0.0.1", 0);
  server.Handle("GET", "/only-get",
                [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(RawRequest(server.port(), "GET", "/nope").rfind("HTTP/1.1 404", 0), 0u);
  std::string response = RawRequest(server.port(), "DELETE", "/only-get");
  EXPECT_EQ(response.rfind("HTTP/1.1 405", 0), 0u) << response;
  EXPECT_NE(response.find("Allow: GET"), std::string::npos) << response;
  // HEAD is answered by the GET handler, without a body.
  EXPECT_EQ(RawRequest(server.port(), "HEAD", "/only-get").rfind("HTTP/1.1 200", 0), 0u);
}

TEST(HttpServerTest, HandlerExceptionBecomes500) {
  HttpServer server("127.0.0.1", 0);
  server.Handle("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("kaboom");
  });
  ASSERT_TRUE(server.Start().ok());
  std::string response = RawRequest(server.port(), "GET", "/boom");
  EXPECT_EQ(response.rfind("HTTP/1.1 500", 0), 0u) << response;
  EXPECT_NE(BodyOf(response).find("kaboom"), std::string::npos);
  // The server keeps serving after a failing handler.
  EXPECT_EQ(RawRequest(server.port(), "GET", "/boom").rfind("HTTP/1.1 500", 0), 0u);
}

TEST(HttpServerTest, SecondBindToSamePortFailsWithAddress) {
  HttpServer first("127.0.0.1", 0);
  ASSERT_TRUE(first.Start().ok());
  HttpServer second("127.0.0.1", first.port());
  Status st = second.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("in use"), std::string::npos) << st.message();
  second.Stop();  // Harmless on a server that never started.
}

TEST(HttpServerTest, StopIsIdempotentAndRefusesConnectionsAfterwards) {
  HttpServer server("127.0.0.1", 0);
  server.Handle("GET", "/", [](const HttpRequest&) { return HttpResponse::Text(200, "root"); });
  ASSERT_TRUE(server.Start().ok());
  int port = server.port();
  EXPECT_EQ(BodyOf(RawRequest(port, "GET", "/")), "root");
  server.Stop();
  server.Stop();
  EXPECT_EQ(RawRequest(port, "GET", "/"), "");
}

TEST(HttpServerTest, StopRightAfterStartDoesNotHang) {
  for (int i = 0; i < 20; ++i) {
    HttpServer server("127.0.0.1", 0);
    ASSERT_TRUE(server.Start().ok());
    server.Stop();
  }
}

TEST(HttpServerTest, ConcurrentRequests) {
  HttpServer server("127.0.0.1", 0);
  std::atomic<int> hits{0};
  server.Handle("GET", "/count", [&hits](const HttpRequest&) {
    return HttpResponse::Text(200, std::to_string(++hits));
  });
  ASSERT_TRUE(server.Start().ok());
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&server] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(RawRequest(server.port(), "GET", "/count").rfind("HTTP/1.1 200", 0), 0u);
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(hits.load(), 40);
}

}  // namespace
}  // namespace basalt
