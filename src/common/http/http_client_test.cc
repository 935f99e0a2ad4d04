#include "common/http/http_client.h"

#include <string>

#include <gtest/gtest.h>

#include "common/http/http_server.h"

namespace basalt {
namespace {

TEST(ParseHttpUrlTest, SplitsHostPortAndTarget) {
  Result<HttpUrl> url = ParseHttpUrl("http://10.0.0.5:8040/api/_load_error_log?file=error_log_1_2");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "10.0.0.5");
  EXPECT_EQ(url->port, 8040);
  EXPECT_EQ(url->target, "/api/_load_error_log?file=error_log_1_2");

  Result<HttpUrl> bare = ParseHttpUrl("http://cn");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->target, "/");
}

TEST(ParseHttpUrlTest, RejectsWhatItCannotFetch) {
  EXPECT_FALSE(ParseHttpUrl("https://cn:8040/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://:8040/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://cn:99999/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://cn:/").ok());
  EXPECT_FALSE(ParseHttpUrl("cn:8040/x").ok());
}

TEST(HttpGetTextTest, ReturnsBodyAndStatusAndCutsAtTheCap) {
  HttpServer server("127.0.0.1", 0);
  server.Handle("GET", "/log", [](const HttpRequest& request) {
    return HttpResponse::Text(200, "file=" + request.Param("file").value_or("?") + "\n");
  });
  server.Handle("GET", "/big", [](const HttpRequest&) { return HttpResponse::Text(200, std::string(100000, 'x')); });
  ASSERT_TRUE(server.Start().ok());
  std::string base = "http://127.0.0.1:" + std::to_string(server.port());

  Result<HttpText> log = HttpGetText(base + "/log?file=a");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->status, 200);
  EXPECT_EQ(log->body, "file=a\n");
  EXPECT_FALSE(log->truncated);

  Result<HttpText> missing = HttpGetText(base + "/nothing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);

  Result<HttpText> big = HttpGetText(base + "/big", {.timeout_ms = 2000, .max_bytes = 10});
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->body, std::string(10, 'x'));
  EXPECT_TRUE(big->truncated);
}

TEST(HttpGetTextTest, UnreachableServerIsAnError) {
  HttpServer server("127.0.0.1", 0);
  ASSERT_TRUE(server.Start().ok());
  int port = server.port();
  server.Stop();  // Nothing listens on the port now.
  Result<HttpText> text = HttpGetText("http://127.0.0.1:" + std::to_string(port) + "/x", {.timeout_ms = 500});
  EXPECT_FALSE(text.ok());
}

}  // namespace
}  // namespace basalt
