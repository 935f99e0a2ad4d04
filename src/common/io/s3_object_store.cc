#include "common/io/s3_object_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <pugixml.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "common/logging.h"

namespace basalt {
namespace s3 {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE.
  std::string path;    // Encoded; also the canonical URI.
  QueryParams query;
  // Extra headers to send and sign (Range, Content-MD5, Content-Type).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  // hex(SHA-256(body)), computed once by the caller and reused by every retry.
  std::string body_sha256;
  // For error messages: "put", "get", ... and the key ("" for bucket-level requests).
  std::string op;
  std::string key;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // Lower-case names.
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Pooled easy handles. curl_easy_reset keeps a handle's connection cache, so a reused handle
// usually skips the TCP (and TLS) handshake.
class CurlHandlePool {
 public:
  explicit CurlHandlePool(size_t max_idle) : max_idle_(max_idle) {}
  ~CurlHandlePool() {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  // healthy=false drops the handle (and its possibly broken connection).
  void Release(CURL* handle, bool healthy) {
    if (healthy) {
      curl_easy_reset(handle);
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < max_idle_) {
        idle_.push_back(handle);
        return;
      }
    }
    curl_easy_cleanup(handle);
  }

 private:
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

}  // namespace s3

namespace {

using s3::HttpRequest;
using s3::HttpResponse;
using Clock = std::chrono::steady_clock;

constexpr char kXmlNamespace[] = "http://s3.amazonaws.com/doc/2006-03-01/";

void GlobalInitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK); });
}

struct UploadCursor {
  std::string_view data;
  size_t pos = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* cursor = static_cast<UploadCursor*>(userdata);
  size_t n = std::min(size * nitems, cursor->data.size() - cursor->pos);
  std::memcpy(buffer, cursor->data.data() + cursor->pos, n);
  cursor->pos += n;
  return n;
}

int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* cursor = static_cast<UploadCursor*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > cursor->data.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  cursor->pos = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  static_cast<HttpResponse*>(userdata)->body.append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* response = static_cast<HttpResponse*>(userdata);
  std::string_view line(buffer, size * nitems);
  // A new status line (after 100 Continue or a redirect) starts a new header block.
  if (line.starts_with("HTTP/")) {
    response->headers.clear();
    return size * nitems;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * nitems;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  response->headers[name] = std::string(value);
  return size * nitems;
}

// Transport failures worth another try: the connection could not be made or broke, or the
// attempt ran out of time. TLS verification and malformed-URL errors are not.
bool IsRetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

struct S3Error {
  std::string code;
  std::string message;
  std::string request_id;
};

// Parses an <Error> document; empty fields when the body is not one (HEAD, proxies).
S3Error ParseError(const HttpResponse& response) {
  S3Error error;
  pugi::xml_document doc;
  if (!response.body.empty() && doc.load_buffer(response.body.data(), response.body.size())) {
    pugi::xml_node node = doc.child("Error");
    error.code = node.child_value("Code");
    error.message = node.child_value("Message");
    error.request_id = node.child_value("RequestId");
  }
  if (error.request_id.empty()) error.request_id = response.Header("x-amz-request-id");
  return error;
}

bool IsRetryableResponse(const HttpResponse& response) {
  long status = response.status;
  if (status == 500 || status == 502 || status == 503 || status == 504 || status == 429) {
    return true;
  }
  if (status == 400) {
    std::string code = ParseError(response).code;
    return code == "RequestTimeout" || code == "SlowDown";
  }
  return false;
}

std::string ReasonFor(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string ToMillisText(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + "ms"; }

// Serializes an XML document without a declaration, for request bodies.
std::string XmlToString(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

Result<pugi::xml_node> ParseXmlRoot(pugi::xml_document& doc, const HttpResponse& response,
                                    const char* root, std::string_view what) {
  pugi::xml_parse_result parsed = doc.load_buffer(response.body.data(), response.body.size());
  if (!parsed) {
    return Status::IOError(std::string(what) + ": unparsable XML response (" +
                           parsed.description() + ")");
  }
  pugi::xml_node node = doc.child(root);
  if (!node) {
    return Status::IOError(std::string(what) + ": XML response without <" + root + ">");
  }
  return node;
}

bool ParseUint64(std::string_view text, uint64_t* value) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *value = v;
  return true;
}

std::string Md5Base64(std::string_view data) { return s3::Base64Encode(s3::Md5(data)); }

}  // namespace

// ------------------------------------------------------------------------------------------------
// Construction

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Make(S3Options options) {
  std::string endpoint = options.endpoint;
  std::string scheme = options.use_https ? "https" : "http";
  if (endpoint.starts_with("http://")) {
    scheme = "http";
    endpoint.erase(0, 7);
  } else if (endpoint.starts_with("https://")) {
    scheme = "https";
    endpoint.erase(0, 8);
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.empty()) return Status::InvalidArgument("S3: no endpoint given");
  if (endpoint.find_first_of("/?# ") != std::string::npos) {
    return Status::InvalidArgument("S3: endpoint '" + options.endpoint +
                                   "' must be host or host:port");
  }
  options.use_https = scheme == "https";
  options.endpoint = endpoint;
  if (options.bucket.empty()) return Status::InvalidArgument("S3: no bucket given");
  if (options.bucket.find_first_of("/?# ") != std::string::npos) {
    return Status::InvalidArgument("S3: invalid bucket name '" + options.bucket + "'");
  }
  if (options.region.empty()) options.region = "us-east-1";
  if (options.part_size < kS3MinPartSize) {
    return Status::InvalidArgument("S3: part size " + std::to_string(options.part_size) +
                                   " is below the minimum of " + std::to_string(kS3MinPartSize));
  }
  if (options.multipart_threshold == 0) {
    return Status::InvalidArgument("S3: multipart threshold must be positive");
  }
  if (options.max_attempts < 1) options.max_attempts = 1;
  GlobalInitCurl();
  std::string host =
      options.virtual_hosted_style ? options.bucket + "." + options.endpoint : options.endpoint;
  return std::unique_ptr<S3ObjectStore>(
      new S3ObjectStore(std::move(options), std::move(host), std::move(scheme)));
}

S3ObjectStore::S3ObjectStore(S3Options options, std::string host, std::string scheme)
    : options_(std::move(options)),
      host_(std::move(host)),
      scheme_(std::move(scheme)),
      handles_(std::make_unique<s3::CurlHandlePool>(options_.max_idle_handles)) {}

S3ObjectStore::~S3ObjectStore() = default;

Capabilities S3ObjectStore::capabilities() const {
  Capabilities caps;
  caps.object_and_prefix_may_share_name = options_.object_and_prefix_may_share_name;
  return caps;
}

S3Stats S3ObjectStore::stats() const {
  S3Stats stats;
  stats.requests = requests_.load();
  stats.retries = retries_.load();
  stats.multipart_uploads = multipart_uploads_.load();
  stats.aborted_multipart_uploads = aborted_multipart_uploads_.load();
  return stats;
}

std::string S3ObjectStore::ObjectPath(std::string_view key) const {
  std::string encoded = s3::UriEncode(key, /*encode_slash=*/false);
  return options_.virtual_hosted_style ? "/" + encoded : "/" + options_.bucket + "/" + encoded;
}

std::string S3ObjectStore::BucketPath() const {
  return options_.virtual_hosted_style ? "/" : "/" + options_.bucket;
}

std::string S3ObjectStore::Describe(std::string_view key) const {
  return "s3://" + options_.bucket + "/" + std::string(key);
}

Status S3ObjectStore::ErrorFromResponse(const HttpResponse& response, std::string_view op,
                                        std::string_view key) const {
  S3Error error = ParseError(response);
  std::string msg = "S3 " + std::string(op) + " " + Describe(key) + " at " + scheme_ + "://" +
                    host_ + " failed: HTTP " + std::to_string(response.status);
  if (!error.code.empty()) {
    msg += " " + error.code;
    if (!error.message.empty()) msg += ": " + error.message;
  } else {
    std::string reason = ReasonFor(response.status);
    if (!reason.empty()) msg += " " + reason;
  }
  if (!error.request_id.empty()) msg += " (request id " + error.request_id + ")";
  return Status::IOError(std::move(msg));
}

// ------------------------------------------------------------------------------------------------
// HTTP with retries

namespace {

struct Attempt {
  Status transport_error;  // OK when a response arrived.
  bool retryable = false;
  HttpResponse response;
};

}  // namespace

Result<HttpResponse> S3ObjectStore::Execute(const HttpRequest& request, int* attempts_out) {
  const Clock::time_point deadline = Clock::now() + options_.request_deadline;
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string url_base = scheme_ + "://" + host_ + request.path;
  std::string query = s3::CanonicalQueryString(request.query);
  std::string url = query.empty() ? url_base : url_base + "?" + query;

  Status last_error;
  for (int attempt = 1;; ++attempt) {
    if (attempts_out != nullptr) *attempts_out = attempt;
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto timeout = std::min(options_.request_timeout, remaining);
    if (timeout.count() <= 0) {
      return Status::TimedOut("S3 " + request.op + " " + Describe(request.key) +
                              ": request deadline of " + ToMillisText(options_.request_deadline) +
                              " exceeded after " + std::to_string(attempt - 1) +
                              " attempts; last error: " + last_error.message());
    }

    // Sign afresh: x-amz-date must be within 15 minutes of the service's clock on every try.
    std::string amz_date = s3::FormatAmzDate(std::chrono::system_clock::now());
    s3::SignableRequest signable;
    signable.method = request.method;
    signable.canonical_uri = request.path;
    signable.query = request.query;
    signable.payload_sha256_hex = request.body_sha256;
    signable.headers = request.headers;
    signable.headers.emplace_back("host", host_);
    signable.headers.emplace_back("x-amz-date", amz_date);
    signable.headers.emplace_back("x-amz-content-sha256", request.body_sha256);
    s3::Signature signature =
        s3::SignV4(signable, options_.credentials, options_.region, "s3", amz_date);

    Attempt result;
    CURL* curl = handles_->Acquire();
    if (curl == nullptr) return Status::ResourceExhausted("S3: curl_easy_init failed");
    struct curl_slist* headers = nullptr;
    for (const auto& [name, value] : signable.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    headers = curl_slist_append(headers, ("Authorization: " + signature.authorization).c_str());
    // No "Expect: 100-continue" round trip; S3 answers errors on the full request anyway.
    headers = curl_slist_append(headers, "Expect:");
    UploadCursor cursor{request.body, 0};
    char error_buffer[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(options_.connect_timeout, timeout).count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls_peer ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls_peer ? 2L : 0L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.response);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.response);
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT" || request.method == "POST") {
      // Upload mode for both, so a body (possibly empty) always goes with a Content-Length and
      // can be rewound by curl if it must resend.
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadBody);
      curl_easy_setopt(curl, CURLOPT_READDATA, &cursor);
      curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, &SeekBody);
      curl_easy_setopt(curl, CURLOPT_SEEKDATA, &cursor);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    } else if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    requests_.fetch_add(1, std::memory_order_relaxed);
    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.response.status);
      result.retryable = IsRetryableResponse(result.response);
    } else {
      std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
      std::string msg = "S3 " + request.op + " " + Describe(request.key) + " at " + scheme_ +
                        "://" + host_ + ": " + detail;
      result.transport_error = code == CURLE_OPERATION_TIMEDOUT
                                   ? Status::TimedOut(msg + " (attempt timeout " +
                                                      ToMillisText(timeout) + ")")
                                   : Status::IOError(msg);
      result.retryable = IsRetryableCurlError(code);
    }
    curl_slist_free_all(headers);
    handles_->Release(curl, /*healthy=*/code == CURLE_OK);

    if (!result.retryable || attempt >= options_.max_attempts) {
      if (!result.transport_error.ok()) {
        if (attempt > 1) {
          return result.transport_error.WithContext("after " + std::to_string(attempt) +
                                                    " attempts");
        }
        return result.transport_error;
      }
      return std::move(result.response);
    }
    last_error = result.transport_error.ok()
                     ? ErrorFromResponse(result.response, request.op, request.key)
                     : result.transport_error;

    // Full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
    int64_t cap = options_.retry_base_delay.count();
    for (int i = 1; i < attempt && cap < options_.retry_max_delay.count(); ++i) cap *= 2;
    cap = std::min<int64_t>(cap, options_.retry_max_delay.count());
    std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(cap, 0));
    auto sleep = std::chrono::milliseconds(pick(rng));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    sleep = std::min(sleep, std::max(left, std::chrono::milliseconds(0)));
    LOG(WARNING) << "retrying (attempt " << attempt + 1 << " of " << options_.max_attempts
                 << " in " << sleep.count() << "ms): " << last_error.message();
    retries_.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(sleep);
  }
}

// ------------------------------------------------------------------------------------------------
// Objects

Status S3ObjectStore::Put(std::string_view key, std::string_view data) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (data.size() >= options_.multipart_threshold && data.size() > options_.part_size) {
    return PutMultipart(key, data);
  }
  return PutSingle(key, data);
}

Status S3ObjectStore::PutSingle(std::string_view key, std::string_view data) {
  HttpRequest request;
  request.method = "PUT";
  request.path = ObjectPath(key);
  request.headers = {{"content-md5", Md5Base64(data)},
                     {"content-type", "application/octet-stream"}};
  request.body = data;
  request.body_sha256 = s3::Sha256Hex(data);
  request.op = "put";
  request.key = std::string(key);
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status != 200) return ErrorFromResponse(response, "put", key);
  return Status::OK();
}

Status S3ObjectStore::PutMultipart(std::string_view key, std::string_view data) {
  uint64_t parts = (data.size() + options_.part_size - 1) / options_.part_size;
  if (parts > kS3MaxParts) {
    return Status::InvalidArgument("S3 put " + Describe(key) + ": " +
                                   std::to_string(data.size()) + " bytes need " +
                                   std::to_string(parts) + " parts of " +
                                   std::to_string(options_.part_size) +
                                   " bytes, more than S3's limit of 10000");
  }
  HttpRequest create;
  create.method = "POST";
  create.path = ObjectPath(key);
  create.query = {{"uploads", ""}};
  create.headers = {{"content-type", "application/octet-stream"}};
  create.body_sha256 = s3::Sha256Hex("");
  create.op = "create multipart upload";
  create.key = std::string(key);
  ASSIGN_OR_RETURN(HttpResponse created, Execute(create));
  if (created.status != 200) return ErrorFromResponse(created, create.op, key);
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseXmlRoot(doc, created, "InitiateMultipartUploadResult",
                                "S3 create multipart upload " + Describe(key)));
  std::string upload_id = root.child_value("UploadId");
  if (upload_id.empty()) {
    return Status::IOError("S3 create multipart upload " + Describe(key) + ": no UploadId");
  }

  std::vector<std::string> etags;
  Status status;
  for (uint64_t part = 0; part < parts && status.ok(); ++part) {
    std::string_view chunk = data.substr(part * options_.part_size, options_.part_size);
    HttpRequest upload;
    upload.method = "PUT";
    upload.path = ObjectPath(key);
    upload.query = {{"partNumber", std::to_string(part + 1)}, {"uploadId", upload_id}};
    upload.headers = {{"content-md5", Md5Base64(chunk)}};
    upload.body = chunk;
    upload.body_sha256 = s3::Sha256Hex(chunk);
    upload.op = "upload part " + std::to_string(part + 1) + " of";
    upload.key = std::string(key);
    Result<HttpResponse> uploaded = Execute(upload);
    if (!uploaded.ok()) {
      status = uploaded.status();
    } else if (uploaded->status != 200) {
      status = ErrorFromResponse(*uploaded, upload.op, key);
    } else if (std::string etag = uploaded->Header("etag"); etag.empty()) {
      status = Status::IOError("S3 " + upload.op + " " + Describe(key) + ": no ETag in response");
    } else {
      etags.push_back(std::move(etag));
    }
  }
  if (status.ok()) status = CompleteMultipart(key, upload_id, etags, data.size());
  if (!status.ok()) {
    AbortMultipart(key, upload_id);
    return status;
  }
  multipart_uploads_.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

Status S3ObjectStore::CompleteMultipart(std::string_view key, const std::string& upload_id,
                                        const std::vector<std::string>& etags, uint64_t size) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = kXmlNamespace;
  for (size_t i = 0; i < etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(static_cast<unsigned long long>(i + 1));
    part.append_child("ETag").text().set(etags[i].c_str());
  }
  std::string body = XmlToString(doc);
  HttpRequest request;
  request.method = "POST";
  request.path = ObjectPath(key);
  request.query = {{"uploadId", upload_id}};
  request.headers = {{"content-md5", Md5Base64(body)}, {"content-type", "application/xml"}};
  request.body = body;
  request.body_sha256 = s3::Sha256Hex(body);
  request.op = "complete multipart upload";
  request.key = std::string(key);
  int attempts = 0;
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request, &attempts));
  if (response.status == 404 && attempts > 1 && ParseError(response).code == "NoSuchUpload") {
    // An earlier attempt completed the upload but its answer was lost; the upload id is then
    // gone. The object having the expected size is the evidence that it was ours.
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, Head(key));
    if (info.has_value() && info->size == size) return Status::OK();
  }
  if (response.status != 200) return ErrorFromResponse(response, request.op, key);
  // S3 may answer 200 and still fail: the error then arrives as the body (after whitespace it
  // sent to keep the connection alive while assembling the parts).
  pugi::xml_document result;
  if (!result.load_buffer(response.body.data(), response.body.size())) {
    return Status::IOError("S3 complete multipart upload " + Describe(key) +
                           ": unparsable XML response");
  }
  if (result.child("Error")) {
    response.status = 500;
    return ErrorFromResponse(response, request.op, key);
  }
  if (!result.child("CompleteMultipartUploadResult")) {
    return Status::IOError("S3 complete multipart upload " + Describe(key) +
                           ": unexpected response");
  }
  return Status::OK();
}

void S3ObjectStore::AbortMultipart(std::string_view key, const std::string& upload_id) {
  HttpRequest request;
  request.method = "DELETE";
  request.path = ObjectPath(key);
  request.query = {{"uploadId", upload_id}};
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "abort multipart upload";
  request.key = std::string(key);
  Result<HttpResponse> response = Execute(request);
  aborted_multipart_uploads_.fetch_add(1, std::memory_order_relaxed);
  // Best effort: a bucket lifecycle rule for incomplete uploads is the backstop.
  if (!response.ok()) {
    LOG(WARNING) << response.status().message();
  } else if (response->status != 204 && response->status != 200 && response->status != 404) {
    LOG(WARNING) << ErrorFromResponse(*response, request.op, key).message();
  }
}

Result<std::optional<std::string>> S3ObjectStore::Get(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  HttpRequest request;
  request.method = "GET";
  request.path = ObjectPath(key);
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "get";
  request.key = std::string(key);
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status == 200) return std::optional<std::string>(std::move(response.body));
  if (response.status == 404 && ParseError(response).code == "NoSuchKey") {
    return std::optional<std::string>();
  }
  return ErrorFromResponse(response, "get", key);
}

Result<std::optional<std::string>> S3ObjectStore::GetRange(std::string_view key, uint64_t offset,
                                                           uint64_t length) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (length == 0) {
    // An empty Range is not expressible; existence still has to be answered.
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, Head(key));
    if (!info.has_value()) return std::optional<std::string>();
    return std::optional<std::string>(std::string());
  }
  HttpRequest request;
  request.method = "GET";
  request.path = ObjectPath(key);
  std::string range = "bytes=" + std::to_string(offset) + "-";
  if (length <= UINT64_MAX - offset) range += std::to_string(offset + length - 1);
  request.headers = {{"range", range}};
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "get range";
  request.key = std::string(key);
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status == 206) {
    if (response.body.size() > length) {
      return Status::IOError("S3 get range " + Describe(key) + ": asked for " +
                             std::to_string(length) + " bytes, got " +
                             std::to_string(response.body.size()));
    }
    return std::optional<std::string>(std::move(response.body));
  }
  if (response.status == 200) {
    // The service ignored the Range header and sent everything; cut it ourselves.
    if (offset >= response.body.size()) return std::optional<std::string>(std::string());
    return std::optional<std::string>(response.body.substr(offset, length));
  }
  if (response.status == 416) return std::optional<std::string>(std::string());
  if (response.status == 404 && ParseError(response).code == "NoSuchKey") {
    return std::optional<std::string>();
  }
  return ErrorFromResponse(response, "get range", key);
}

Result<std::optional<ObjectInfo>> S3ObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  HttpRequest request;
  request.method = "HEAD";
  request.path = ObjectPath(key);
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "head";
  request.key = std::string(key);
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status == 404) return std::optional<ObjectInfo>();
  if (response.status != 200) return ErrorFromResponse(response, "head", key);
  uint64_t size = 0;
  if (!ParseUint64(response.Header("content-length"), &size)) {
    return Status::IOError("S3 head " + Describe(key) + ": missing or bad Content-Length");
  }
  return std::optional<ObjectInfo>(ObjectInfo{std::string(key), size});
}

Status S3ObjectStore::CheckBucket() {
  HttpRequest request;
  request.method = "HEAD";
  request.path = BucketPath();
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "head bucket";
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status == 200) return Status::OK();
  if (response.status == 404) {
    return Status::IOError("S3 bucket '" + options_.bucket + "' at " + scheme_ + "://" + host_ +
                           " does not exist (HTTP 404 NoSuchBucket)");
  }
  return ErrorFromResponse(response, "head bucket", "");
}

Result<ListPage> S3ObjectStore::List(const ListOptions& options) {
  HttpRequest request;
  request.method = "GET";
  request.path = BucketPath();
  request.query = {{"list-type", "2"},
                   {"max-keys", std::to_string(ClampListMaxKeys(options.max_keys))}};
  if (!options.prefix.empty()) request.query.emplace_back("prefix", options.prefix);
  if (!options.continuation_token.empty()) {
    request.query.emplace_back("continuation-token", options.continuation_token);
  }
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "list";
  request.key = options.prefix + "*";
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status != 200) return ErrorFromResponse(response, "list", request.key);

  std::string what = "S3 list " + Describe(request.key);
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, ParseXmlRoot(doc, response, "ListBucketResult", what));
  ListPage page;
  for (pugi::xml_node contents : root.children("Contents")) {
    ObjectInfo info;
    info.key = contents.child_value("Key");
    if (info.key.empty() || !ParseUint64(contents.child_value("Size"), &info.size)) {
      return Status::IOError(what + ": malformed <Contents> entry");
    }
    page.objects.push_back(std::move(info));
  }
  // S3 already lists in UTF-8 binary order; sorting again costs little and makes the contract
  // independent of S3-compatible services that might not.
  std::sort(page.objects.begin(), page.objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  if (std::string_view(root.child_value("IsTruncated")) == "true") {
    page.next_continuation_token = root.child_value("NextContinuationToken");
    if (page.next_continuation_token.empty()) {
      return Status::IOError(what + ": truncated listing without NextContinuationToken");
    }
  }
  return page;
}

Status S3ObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  HttpRequest request;
  request.method = "DELETE";
  request.path = ObjectPath(key);
  request.body_sha256 = s3::Sha256Hex("");
  request.op = "delete";
  request.key = std::string(key);
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status == 204 || response.status == 200) return Status::OK();
  if (response.status == 404 && ParseError(response).code == "NoSuchKey") return Status::OK();
  return ErrorFromResponse(response, "delete", key);
}

Status S3ObjectStore::DeleteMany(std::span<const std::string> keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(ValidateObjectKey(key));
  for (size_t start = 0; start < keys.size(); start += kS3MaxDeleteBatch) {
    RETURN_IF_ERROR(DeleteBatch(keys.subspan(start, std::min(kS3MaxDeleteBatch,
                                                              keys.size() - start))));
  }
  return Status::OK();
}

Status S3ObjectStore::DeleteBatch(std::span<const std::string> keys) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Delete");
  root.append_attribute("xmlns") = kXmlNamespace;
  // Quiet: the response lists only the keys that failed.
  root.append_child("Quiet").text().set("true");
  for (const std::string& key : keys) {
    root.append_child("Object").append_child("Key").text().set(key.c_str());
  }
  std::string body = XmlToString(doc);
  HttpRequest request;
  request.method = "POST";
  request.path = BucketPath();
  request.query = {{"delete", ""}};
  // DeleteObjects requires Content-MD5 (or a newer checksum header).
  request.headers = {{"content-md5", Md5Base64(body)}, {"content-type", "application/xml"}};
  request.body = body;
  request.body_sha256 = s3::Sha256Hex(body);
  request.op = "delete objects";
  std::string what = keys.front() + (keys.size() > 1
                                         ? " and " + std::to_string(keys.size() - 1) + " more"
                                         : std::string());
  request.key = what;
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  if (response.status != 200) return ErrorFromResponse(response, request.op, what);
  pugi::xml_document result;
  ASSIGN_OR_RETURN(pugi::xml_node result_root,
                   ParseXmlRoot(result, response, "DeleteResult",
                                "S3 delete objects " + Describe(what)));
  std::string failures;
  int failed = 0;
  for (pugi::xml_node error : result_root.children("Error")) {
    std::string code = error.child_value("Code");
    if (code == "NoSuchKey") continue;  // Already gone is what we wanted.
    if (++failed <= 5) {
      failures += std::string(failures.empty() ? "" : "; ") + "'" + error.child_value("Key") +
                  "': " + code + " " + error.child_value("Message");
    }
  }
  if (failed > 0) {
    return Status::IOError("S3 delete objects in s3://" + options_.bucket + ": " +
                           std::to_string(failed) + " of " + std::to_string(keys.size()) +
                           " keys not deleted: " + failures);
  }
  return Status::OK();
}

}  // namespace basalt
