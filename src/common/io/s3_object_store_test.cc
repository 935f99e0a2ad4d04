// S3ObjectStore: the conformance suite against a real S3-compatible service (MinIO in the e2e
// tier) when BASALT_TEST_S3_ENDPOINT is set, and error/retry behaviour against a scripted local
// HTTP server that needs nothing external.
//
// Environment for the real-service tests:
//   BASALT_TEST_S3_ENDPOINT    host:port (or http://host:port)
//   BASALT_TEST_S3_ACCESS_KEY, BASALT_TEST_S3_SECRET_KEY, BASALT_TEST_S3_BUCKET
//   BASALT_TEST_S3_REGION      optional, default us-east-1
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "common/io/object_store_conformance.h"
#include "common/io/prefixed_object_store.h"
#include "common/io/s3_object_store.h"
#include "common/logging.h"

namespace basalt {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// Options for the real service from the environment; nullopt (with the reason) when not set.
std::optional<S3Options> RealServiceOptions(std::string* why_not) {
  S3Options options;
  options.endpoint = Env("BASALT_TEST_S3_ENDPOINT");
  options.credentials.access_key = Env("BASALT_TEST_S3_ACCESS_KEY");
  options.credentials.secret_key = Env("BASALT_TEST_S3_SECRET_KEY");
  options.bucket = Env("BASALT_TEST_S3_BUCKET");
  if (!Env("BASALT_TEST_S3_REGION").empty()) options.region = Env("BASALT_TEST_S3_REGION");
  if (options.endpoint.empty() || options.bucket.empty() ||
      options.credentials.access_key.empty()) {
    *why_not =
        "S3 tests need BASALT_TEST_S3_ENDPOINT, BASALT_TEST_S3_ACCESS_KEY, "
        "BASALT_TEST_S3_SECRET_KEY and BASALT_TEST_S3_BUCKET (test/e2e/"
        "test_object_store_minio.py runs them against a real MinIO)";
    return std::nullopt;
  }
  // Low enough that the conformance suite's 11 MiB object goes through multipart.
  options.multipart_threshold = kS3MinPartSize;
  options.part_size = kS3MinPartSize;
  options.request_deadline = std::chrono::seconds(60);
  return options;
}

std::string UniquePrefix(std::string_view what) {
  static std::atomic<int> counter{0};
  std::mt19937_64 rng(std::random_device{}());
  return "basalt-test/" + std::string(what) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + std::to_string(rng() % 1000000) + "/";
}

Result<ObjectStoreTestTarget> RealS3() {
  std::string why_not;
  std::optional<S3Options> options = RealServiceOptions(&why_not);
  if (!options.has_value()) return ObjectStoreTestTarget{nullptr, nullptr, why_not};
  ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> s3, S3ObjectStore::Make(*options));
  std::string prefix = UniquePrefix("conformance");
  ASSIGN_OR_RETURN(auto store, PrefixedObjectStore::Make(s3, prefix));
  auto cleanup = [s3, prefix] {
    Result<std::vector<ObjectInfo>> left = s3->ListAll(prefix);
    if (!left.ok()) return;
    std::vector<std::string> keys;
    for (const ObjectInfo& info : *left) keys.push_back(info.key);
    (void)s3->DeleteMany(keys);
  };
  return ObjectStoreTestTarget{std::move(store), cleanup, ""};
}

INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreConformanceTest,
                         ::testing::Values(ObjectStoreFactory{"MinIO", RealS3}),
                         ObjectStoreFactoryName);

// ------------------------------------------------------------------------------------------------
// Against the real service

class S3RealServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    std::optional<S3Options> options = RealServiceOptions(&why_not);
    if (!options.has_value()) GTEST_SKIP() << why_not;
    options_ = *options;
    prefix_ = UniquePrefix("s3test");
  }

  S3Options options_;
  std::string prefix_;
};

TEST_F(S3RealServiceTest, BucketIsReachable) {
  auto store = S3ObjectStore::Make(options_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->CheckBucket().ok()) << (*store)->CheckBucket();
}

TEST_F(S3RealServiceTest, LargePutUsesMultipartAndSmallOneDoesNot) {
  auto store = S3ObjectStore::Make(options_);
  ASSERT_TRUE(store.ok()) << store.status();
  std::string small(1000, 's');
  std::string large((12u << 20) + 1, 'L');
  large[7u << 20] = 'x';
  ASSERT_TRUE((*store)->Put(prefix_ + "small", small).ok());
  EXPECT_EQ((*store)->stats().multipart_uploads, 0u);
  Status put = (*store)->Put(prefix_ + "large", large);
  ASSERT_TRUE(put.ok()) << put;
  EXPECT_EQ((*store)->stats().multipart_uploads, 1u);
  EXPECT_EQ((*store)->stats().aborted_multipart_uploads, 0u);
  auto got = (*store)->Get(prefix_ + "large");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_TRUE(**got == large);
  std::vector<std::string> keys = {prefix_ + "small", prefix_ + "large"};
  EXPECT_TRUE((*store)->DeleteMany(keys).ok());
}

TEST_F(S3RealServiceTest, WrongSecretKeyFailsWithSignatureDoesNotMatch) {
  options_.credentials.secret_key = "wrong-" + options_.credentials.secret_key + "-wrong";
  auto store = S3ObjectStore::Make(options_);
  ASSERT_TRUE(store.ok()) << store.status();
  Status put = (*store)->Put(prefix_ + "denied", "x");
  ASSERT_FALSE(put.ok());
  // The e2e test greps this line.
  std::cout << "wrong secret key error: " << put.message() << std::endl;
  EXPECT_THAT(put.message(), HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(put.message(), HasSubstr(options_.bucket));
  EXPECT_THAT(put.message(), HasSubstr(prefix_ + "denied"));
  EXPECT_THAT(put.message(), Not(HasSubstr(options_.credentials.secret_key)));
  EXPECT_EQ((*store)->stats().retries, 0u) << "a 403 is not retried";
}

TEST_F(S3RealServiceTest, MissingBucketIsAnErrorNamingIt) {
  options_.bucket = "basalt-no-such-bucket-" + std::to_string(::getpid());
  auto store = S3ObjectStore::Make(options_);
  ASSERT_TRUE(store.ok()) << store.status();
  auto got = (*store)->Get("k");
  ASSERT_FALSE(got.ok()) << "a missing bucket must not read as a missing key";
  EXPECT_THAT(got.status().message(), HasSubstr("NoSuchBucket"));
  EXPECT_THAT(got.status().message(), HasSubstr(options_.bucket));
  Status check = (*store)->CheckBucket();
  EXPECT_FALSE(check.ok());
  EXPECT_THAT(check.message(), HasSubstr(options_.bucket));
  EXPECT_FALSE((*store)->Put("k", "v").ok());
  EXPECT_FALSE((*store)->ListAll().ok());
}

// ------------------------------------------------------------------------------------------------
// Against a scripted local HTTP server

struct CannedResponse {
  int status = 200;
  std::string body;
  std::string extra_headers;  // "Name: value\r\n" lines.
};

// Accepts connections on 127.0.0.1, reads one request per connection, answers with the next
// canned response (500 when the script is exhausted) and closes the connection.
class ScriptedHttpServer {
 public:
  explicit ScriptedHttpServer(std::vector<CannedResponse> script)
      : script_(script.begin(), script.end()) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    CHECK(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    CHECK(::listen(fd_, 16) == 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 20) <= 0) continue;
      int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      std::string request;
      char buf[65536];
      size_t header_end = std::string::npos;
      size_t content_length = 0;
      while (true) {
        ssize_t n = ::recv(conn, buf, sizeof(buf), 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
        if (header_end == std::string::npos) {
          header_end = request.find("\r\n\r\n");
          if (header_end != std::string::npos) {
            std::string lower = request.substr(0, header_end);
            for (char& c : lower) c = static_cast<char>(std::tolower(c));
            size_t cl = lower.find("content-length:");
            if (cl != std::string::npos) content_length = std::stoul(lower.substr(cl + 15));
          }
        }
        if (header_end != std::string::npos && request.size() >= header_end + 4 + content_length) {
          break;
        }
      }
      CannedResponse response{500, "", ""};
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(request.substr(0, header_end));
        if (!script_.empty()) {
          response = script_.front();
          script_.pop_front();
        }
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " Canned\r\n" +
                        "Content-Length: " + std::to_string(response.body.size()) + "\r\n" +
                        "Connection: close\r\n" + response.extra_headers + "\r\n" + response.body;
      ::send(conn, out.data(), out.size(), MSG_NOSIGNAL);
      ::close(conn);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::deque<CannedResponse> script_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

std::string ErrorXml(std::string_view code, std::string_view message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) +
         "</Message><RequestId>REQ123</RequestId></Error>";
}

S3Options FakeOptions(const std::string& endpoint) {
  S3Options options;
  options.endpoint = endpoint;
  options.bucket = "fake-bucket";
  options.credentials = {"FAKEACCESSKEY", "fake-secret-do-not-print"};
  options.retry_base_delay = std::chrono::milliseconds(1);
  options.retry_max_delay = std::chrono::milliseconds(5);
  options.max_attempts = 4;
  return options;
}

TEST(S3ObjectStoreTest, RetriesSlowDownAndServerErrorsThenSucceeds) {
  ScriptedHttpServer server({{503, ErrorXml("SlowDown", "Please reduce your request rate."), ""},
                             {500, ErrorXml("InternalError", "We encountered an error."), ""},
                             {200, "", "ETag: \"abc\"\r\n"}});
  auto store = S3ObjectStore::Make(FakeOptions(server.endpoint()));
  ASSERT_TRUE(store.ok()) << store.status();
  Status put = (*store)->Put("dir/a b+c", "payload");
  EXPECT_TRUE(put.ok()) << put;
  EXPECT_EQ((*store)->stats().requests, 3u);
  EXPECT_EQ((*store)->stats().retries, 2u);
  std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  // Path-style, key encoded once, '/' kept; real payload hash and MD5 sent and signed.
  EXPECT_THAT(requests[0], HasSubstr("PUT /fake-bucket/dir/a%20b%2Bc HTTP/1.1"));
  EXPECT_THAT(requests[0], HasSubstr("x-amz-content-sha256: " + s3::Sha256Hex("payload")));
  EXPECT_THAT(requests[0], HasSubstr("content-md5: " + s3::Base64Encode(s3::Md5("payload"))));
  EXPECT_THAT(requests[0], HasSubstr("SignedHeaders=content-md5;content-type;host;"
                                     "x-amz-content-sha256;x-amz-date"));
  EXPECT_THAT(requests[0], Not(HasSubstr("fake-secret")));
}

TEST(S3ObjectStoreTest, ClientErrorsAreNotRetriedAndNameBucketKeyAndCode) {
  ScriptedHttpServer server({{403, ErrorXml("AccessDenied", "Access Denied."), ""}});
  auto store = S3ObjectStore::Make(FakeOptions(server.endpoint()));
  ASSERT_TRUE(store.ok()) << store.status();
  Status put = (*store)->Put("k1", "v");
  EXPECT_EQ(put.code(), StatusCode::kIOError);
  EXPECT_THAT(put.message(), HasSubstr("s3://fake-bucket/k1"));
  EXPECT_THAT(put.message(), HasSubstr("HTTP 403 AccessDenied: Access Denied."));
  EXPECT_THAT(put.message(), HasSubstr("REQ123"));
  EXPECT_THAT(put.message(), Not(HasSubstr("fake-secret")));
  EXPECT_EQ((*store)->stats().requests, 1u);
}

TEST(S3ObjectStoreTest, PersistentServerErrorsGiveUpAfterMaxAttempts) {
  ScriptedHttpServer server({});  // Every answer is a bare 500.
  auto store = S3ObjectStore::Make(FakeOptions(server.endpoint()));
  ASSERT_TRUE(store.ok()) << store.status();
  auto got = (*store)->Get("k");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("HTTP 500"));
  EXPECT_EQ((*store)->stats().requests, 4u);
}

TEST(S3ObjectStoreTest, NoSuchKeyIsAbsentButNoSuchBucketIsAnError) {
  ScriptedHttpServer server({{404, ErrorXml("NoSuchKey", "The specified key does not exist."), ""},
                             {404, ErrorXml("NoSuchBucket", "The specified bucket does not exist"),
                              ""},
                             {416, ErrorXml("InvalidRange", "The requested range is not satisfiable"),
                              ""}});
  auto store = S3ObjectStore::Make(FakeOptions(server.endpoint()));
  ASSERT_TRUE(store.ok()) << store.status();
  auto missing = (*store)->Get("k");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
  auto no_bucket = (*store)->Get("k");
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_THAT(no_bucket.status().message(), HasSubstr("NoSuchBucket"));
  auto past_end = (*store)->GetRange("k", 100, 10);
  ASSERT_TRUE(past_end.ok()) << past_end.status();
  EXPECT_EQ(past_end->value(), "");
  EXPECT_THAT(server.requests()[2], HasSubstr("range: bytes=100-109"));
}

TEST(S3ObjectStoreTest, ListParsesKeysTokensAndEscapes) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>fake-bucket</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>tok/+=</NextContinuationToken>"
      "<Contents><Key>p/b&amp;c</Key><Size>12</Size></Contents>"
      "<Contents><Key>p/a</Key><Size>0</Size></Contents></ListBucketResult>";
  ScriptedHttpServer server({{200, body, ""}});
  auto store = S3ObjectStore::Make(FakeOptions(server.endpoint()));
  ASSERT_TRUE(store.ok()) << store.status();
  ListOptions options;
  options.prefix = "p/";
  options.max_keys = 2;
  options.continuation_token = "prev token";
  auto page = (*store)->List(options);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0], (ObjectInfo{"p/a", 0}));
  EXPECT_EQ(page->objects[1], (ObjectInfo{"p/b&c", 12}));
  EXPECT_EQ(page->next_continuation_token, "tok/+=");
  EXPECT_THAT(server.requests()[0],
              HasSubstr("GET /fake-bucket?continuation-token=prev%20token&list-type=2&"
                        "max-keys=2&prefix=p%2F HTTP/1.1"));
}

TEST(S3ObjectStoreTest, VirtualHostedStylePutsTheBucketInTheHost) {
  ScriptedHttpServer server({{200, "", ""}});
  // curl resolves every *.localhost name to the loopback address itself.
  S3Options options = FakeOptions("localhost:" + server.endpoint().substr(10));
  options.virtual_hosted_style = true;
  auto store = S3ObjectStore::Make(options);
  ASSERT_TRUE(store.ok()) << store.status();
  Status put = (*store)->Put("dir/k", "v");
  ASSERT_TRUE(put.ok()) << put;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_THAT(server.requests()[0], HasSubstr("PUT /dir/k HTTP/1.1"));
  EXPECT_THAT(server.requests()[0], HasSubstr("fake-bucket.localhost:"));
}

TEST(S3ObjectStoreTest, RejectsUnusableOptions) {
  S3Options options = FakeOptions("127.0.0.1:9");
  options.part_size = 1 << 20;
  EXPECT_EQ(S3ObjectStore::Make(options).status().code(), StatusCode::kInvalidArgument);
  options = FakeOptions("");
  EXPECT_EQ(S3ObjectStore::Make(options).status().code(), StatusCode::kInvalidArgument);
  options = FakeOptions("host:9000/path");
  EXPECT_EQ(S3ObjectStore::Make(options).status().code(), StatusCode::kInvalidArgument);
  options = FakeOptions("https://host:9000/");
  auto store = S3ObjectStore::Make(options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->options().use_https);
  EXPECT_EQ((*store)->options().endpoint, "host:9000");
}

TEST(S3ObjectStoreTest, UnreachableEndpointFailsFastWithAClearError) {
  // A port nobody listens on: connection refused, retried a few times, then reported.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);  // Bound once, now free and closed.
  S3Options options = FakeOptions("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  auto store = S3ObjectStore::Make(options);
  ASSERT_TRUE(store.ok()) << store.status();
  auto start = std::chrono::steady_clock::now();
  Status put = (*store)->Put("k", "v");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(put.code(), StatusCode::kIOError) << put;
  EXPECT_THAT(put.message(), HasSubstr("s3://fake-bucket/k"));
  EXPECT_THAT(put.message(), HasSubstr("after 4 attempts"));
  std::cout << "unreachable endpoint error: " << put.message() << std::endl;
}

TEST(S3ObjectStoreTest, SilentEndpointTimesOutWithinTheDeadline) {
  // Listening but never accepting: the kernel completes the handshake, then nothing answers.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  S3Options options = FakeOptions("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  options.request_timeout = std::chrono::milliseconds(300);
  options.request_deadline = std::chrono::milliseconds(1000);
  options.max_attempts = 100;
  auto store = S3ObjectStore::Make(options);
  ASSERT_TRUE(store.ok()) << store.status();
  auto start = std::chrono::steady_clock::now();
  auto got = (*store)->Get("k");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kTimedOut) << got.status();
  EXPECT_THAT(got.status().message(), HasSubstr("s3://fake-bucket/k"));
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
  std::cout << "silent endpoint error: " << got.status().message() << std::endl;
}

}  // namespace
}  // namespace basalt
