#include "common/io/s3_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/logging.h"

namespace basalt::s3 {
namespace {

constexpr char kHexDigitsLower[] = "0123456789abcdef";
constexpr char kHexDigitsUpper[] = "0123456789ABCDEF";

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  CHECK(EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) == 1) << "EVP_Digest";
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces, as the canonical header value requires.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view input, bool encode_slash) {
  std::string out;
  out.reserve(input.size() * 3);
  for (char ch : input) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexDigitsUpper[c >> 4]);
      out.push_back(kHexDigitsUpper[c & 0xF]);
    }
  }
  return out;
}

std::string CanonicalQueryString(const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    out.push_back(kHexDigitsLower[c >> 4]);
    out.push_back(kHexDigitsLower[c & 0xF]);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }
std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }
std::string Md5(std::string_view data) { return Digest(EVP_md5(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
             &len) != nullptr)
      << "HMAC";
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string FormatAmzDate(std::chrono::system_clock::time_point time) {
  time_t t = std::chrono::system_clock::to_time_t(time);
  struct tm utc;
  gmtime_r(&t, &utc);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &utc);
  return std::string(buf, n);
}

Signature SignV4(const SignableRequest& request, const Credentials& credentials,
                 std::string_view region, std::string_view service, std::string_view amz_date) {
  // Lower-case names, sorted; repeated names are joined with commas in the order given.
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = ToLower(name);
    std::string canonical_value = CanonicalHeaderValue(value);
    auto it = std::find_if(headers.begin(), headers.end(),
                           [&](const auto& h) { return h.first == lower; });
    if (it != headers.end()) {
      it->second += "," + canonical_value;
    } else {
      headers.emplace_back(std::move(lower), std::move(canonical_value));
    }
  }
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  Signature sig;
  std::string canonical_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!sig.signed_headers.empty()) sig.signed_headers.push_back(';');
    sig.signed_headers += name;
  }
  sig.canonical_request = request.method + "\n" + request.canonical_uri + "\n" +
                          CanonicalQueryString(request.query) + "\n" + canonical_headers + "\n" +
                          sig.signed_headers + "\n" + request.payload_sha256_hex;

  std::string_view date = amz_date.substr(0, 8);
  std::string scope = std::string(date) + "/" + std::string(region) + "/" + std::string(service) +
                      "/aws4_request";
  sig.string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" +
                       Sha256Hex(sig.canonical_request);

  std::string key = HmacSha256("AWS4" + credentials.secret_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  sig.signature = HexEncode(HmacSha256(key, sig.string_to_sign));
  sig.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" + scope +
                      ",SignedHeaders=" + sig.signed_headers + ",Signature=" + sig.signature;
  return sig;
}

}  // namespace basalt::s3
