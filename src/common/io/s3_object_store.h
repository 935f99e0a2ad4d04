// S3ObjectStore: the ObjectStore over the S3 REST API (AWS S3, MinIO and other compatible
// services), with libcurl for HTTP, OpenSSL for SigV4 and checksums and pugixml for XML.
//
// Requests and what they guarantee:
//   - Put below multipart_threshold is one PutObject; at or above it, CreateMultipartUpload +
//     UploadPart (part_size bytes each, the last one shorter) + CompleteMultipartUpload, and
//     AbortMultipartUpload if any step fails, so no half-uploaded parts are left billed. S3 makes
//     an object visible only when PutObject/CompleteMultipartUpload succeeds, which is what makes
//     Put all-or-nothing.
//   - Every body is sent with Content-MD5 (the service rejects a corrupted upload with BadDigest)
//     and with x-amz-content-sha256 set to the real SHA-256 of the payload, which is also signed.
//   - Get/GetRange are GetObject (with a Range header); a range starting at or past the end of the
//     object is answered by S3 with 416, which we report as an empty result.
//   - Head is HeadObject. A HEAD response has no body, so a 404 cannot tell a missing key from a
//     missing bucket; both read as "no such key". Call CheckBucket at startup to catch the latter.
//   - List is ListObjectsV2; DeleteMany is DeleteObjects in batches of 1000 keys.
//
// Retries: each HTTP request is retried with exponential backoff and full jitter (sleep uniformly
// in [0, min(retry_max_delay, retry_base_delay * 2^attempt))) on connection failures and resets,
// timeouts, HTTP 500/502/503/504, SlowDown, and the two 4xx answers AWS documents as transient
// (429 throttling and 400 RequestTimeout, an idle upload socket). Other 4xx answers (AccessDenied,
// SignatureDoesNotMatch, NoSuchBucket, ...) are returned at once. Every attempt is bounded by
// request_timeout, and all attempts of one request together by request_deadline, so no call
// hangs on a dead or black-holed endpoint. Each retry is signed afresh.
//
// Errors: IOError (TimedOut when a deadline ran out) whose message names the operation, the bucket
// and key, the HTTP status and the S3 error code and message (e.g. "NoSuchBucket",
// "SignatureDoesNotMatch") and the request id. Credentials never appear in messages or logs.
//
// Thread-safety: safe for concurrent use. Each request takes a curl easy handle from a small pool
// (handles keep their connections alive between requests) and returns it afterwards.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/io/object_store.h"
#include "common/io/s3_signer.h"

namespace basalt {

namespace s3 {
// Defined in s3_object_store.cc.
struct HttpRequest;
struct HttpResponse;
class CurlHandlePool;
}  // namespace s3

inline constexpr uint64_t kS3MinPartSize = 5ull << 20;      // S3's minimum for all but the last.
inline constexpr uint64_t kS3MaxParts = 10000;
inline constexpr size_t kS3MaxDeleteBatch = 1000;

struct S3Options {
  // "host:port" as in StarRocks' aws.s3.endpoint. A leading "http://" or "https://" is accepted
  // and then decides the scheme; without one, use_https does.
  std::string endpoint;
  std::string bucket;
  std::string region = "us-east-1";
  s3::Credentials credentials;
  bool use_https = false;
  // false: path-style URLs (http://endpoint/bucket/key), what MinIO expects by default.
  // true: virtual-hosted (http://bucket.endpoint/key), what AWS prefers.
  bool virtual_hosted_style = false;
  bool verify_tls_peer = true;
  // Reported by capabilities(). AWS S3 lets "a" and "a/b" coexist; MinIO accepts both but then
  // leaves "a/b" out of listings, so the portable default is false.
  bool object_and_prefix_may_share_name = false;

  uint64_t multipart_threshold = 16ull << 20;
  uint64_t part_size = 8ull << 20;  // At least kS3MinPartSize.

  int max_attempts = 6;  // Tries per HTTP request, the first included.
  std::chrono::milliseconds retry_base_delay{50};
  std::chrono::milliseconds retry_max_delay{2000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{60000};    // One attempt, connect to last byte.
  std::chrono::milliseconds request_deadline{180000};  // All attempts of one request.

  size_t max_idle_handles = 16;  // Pooled curl handles (each may hold a keep-alive connection).
};

// Counters for tests and metrics.
struct S3Stats {
  uint64_t requests = 0;  // HTTP attempts, retries included.
  uint64_t retries = 0;
  uint64_t multipart_uploads = 0;  // Completed ones.
  uint64_t aborted_multipart_uploads = 0;
};

class S3ObjectStore final : public ObjectStore {
 public:
  // InvalidArgument for an unusable configuration (no endpoint or bucket, part_size below 5 MiB,
  // a threshold that would need more than 10000 parts, ...). Makes no request.
  static Result<std::unique_ptr<S3ObjectStore>> Make(S3Options options);
  ~S3ObjectStore() override;

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override;
  std::string DebugName() const override { return "s3://" + options_.bucket; }

  // HeadBucket: OK when the bucket exists and the credentials may use it; otherwise an error
  // naming the bucket and the HTTP status.
  Status CheckBucket();

  S3Stats stats() const;
  const S3Options& options() const { return options_; }

 private:
  S3ObjectStore(S3Options options, std::string host, std::string scheme);

  // Sends request with retries (see above). Returns the final HTTP response whatever its status;
  // an error only when no response was received. attempts, if set, receives the tries made.
  Result<s3::HttpResponse> Execute(const s3::HttpRequest& request, int* attempts = nullptr);
  Status PutSingle(std::string_view key, std::string_view data);
  Status PutMultipart(std::string_view key, std::string_view data);
  Status CompleteMultipart(std::string_view key, const std::string& upload_id,
                           const std::vector<std::string>& etags, uint64_t size);
  void AbortMultipart(std::string_view key, const std::string& upload_id);
  Status DeleteBatch(std::span<const std::string> keys);

  std::string ObjectPath(std::string_view key) const;
  std::string BucketPath() const;
  std::string Describe(std::string_view key) const;  // "s3://bucket/key"
  Status ErrorFromResponse(const s3::HttpResponse& response, std::string_view op,
                           std::string_view key) const;

  const S3Options options_;
  const std::string host_;    // Host header and URL authority: endpoint or bucket.endpoint.
  const std::string scheme_;  // "http" or "https".
  std::unique_ptr<s3::CurlHandlePool> handles_;

  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> multipart_uploads_{0};
  std::atomic<uint64_t> aborted_multipart_uploads_{0};
};

}  // namespace basalt
