// AWS Signature Version 4 for S3 requests (Authorization header flavour), plus the hashing and
// encoding helpers S3 requests need. Pure functions: no I/O, no clock (the caller passes the
// request time), so the AWS documentation's example vectors are unit tests.
//
// The algorithm, as S3 applies it:
//   canonical request = METHOD \n canonical URI \n canonical query \n canonical headers \n
//                       signed header names \n hex(SHA256(payload))
//   string to sign    = "AWS4-HMAC-SHA256" \n amz_date \n scope \n hex(SHA256(canonical request))
//   signing key       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
// S3 differs from other services in two ways that matter here: the canonical URI is the path
// exactly as sent (URI-encoded once, never twice, '/' kept), and the payload hash is also sent as
// the x-amz-content-sha256 header (which must therefore be among the signed headers).
//
// Thread-safety: all functions are pure and safe to call concurrently.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basalt::s3 {

struct Credentials {
  std::string access_key;
  std::string secret_key;  // Never logged, never put in a Status.
};

// RFC 3986 percent-encoding as SigV4 defines it: A-Z a-z 0-9 - . _ ~ stay, every other byte
// becomes %XX (upper-case hex). '/' is kept when encode_slash is false (object key paths) and
// encoded otherwise (query names and values).
std::string UriEncode(std::string_view input, bool encode_slash);

// Query parameters, unencoded. Order does not matter; CanonicalQueryString sorts them.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
// "a=1&b=%2F&uploads=" (encoded, sorted by encoded name then value). Also the query string to send,
// so what is signed is byte-for-byte what goes on the wire.
std::string CanonicalQueryString(const QueryParams& params);

std::string HexEncode(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
// Raw 32-byte digest / 64 lower-case hex characters.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
// Raw 16-byte MD5 digest (Content-MD5 is its base64, a multipart part's ETag its hex).
std::string Md5(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

// "20130524T000000Z" for the given UTC time.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

struct SignableRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // The encoded path as sent, e.g. "/bucket/a%20b/c".
  QueryParams query;
  // Headers to sign, names in any case; values are trimmed and inner runs of spaces collapsed.
  // Must include host, x-amz-date and x-amz-content-sha256.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256_hex;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;range;x-amz-content-sha256;x-amz-date"
  std::string signature;       // 64 hex characters.
  std::string authorization;   // The Authorization header value.
};

// amz_date is the request's x-amz-date value ("YYYYMMDDTHHMMSSZ"); its first 8 characters are the
// scope date. service is "s3".
Signature SignV4(const SignableRequest& request, const Credentials& credentials,
                 std::string_view region, std::string_view service, std::string_view amz_date);

}  // namespace basalt::s3
