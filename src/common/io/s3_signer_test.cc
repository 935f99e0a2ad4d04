// SigV4 against the worked examples of the Amazon S3 API reference ("Signature Calculations for
// the Authorization Header: Transferring Payload in a Single Chunk"): same credentials, time,
// requests; the expected signatures are the documented ones.
#include "common/io/s3_signer.h"

#include <gtest/gtest.h>

namespace basalt::s3 {
namespace {

const Credentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
constexpr char kExampleDate[] = "20130524T000000Z";
constexpr char kExampleHost[] = "examplebucket.s3.amazonaws.com";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(S3SignerTest, GetObjectExample) {
  SignableRequest request;
  request.method = "GET";
  request.canonical_uri = "/test.txt";
  request.payload_sha256_hex = Sha256Hex("");
  request.headers = {{"Host", kExampleHost},
                     {"Range", "bytes=0-9"},
                     {"x-amz-content-sha256", request.payload_sha256_hex},
                     {"x-amz-date", kExampleDate}};
  Signature sig = SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleDate);

  EXPECT_EQ(request.payload_sha256_hex, kEmptySha256);
  EXPECT_EQ(sig.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" + std::string(kEmptySha256) +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;range;x-amz-content-sha256;x-amz-date\n" + kEmptySha256);
  EXPECT_EQ(sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(sig.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SignerTest, PutObjectExampleEncodesTheKeyOnce) {
  std::string body = "Welcome to Amazon S3.";
  SignableRequest request;
  request.method = "PUT";
  request.canonical_uri = "/" + UriEncode("test$file.text", false);
  request.payload_sha256_hex = Sha256Hex(body);
  request.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"Host", kExampleHost},
                     {"x-amz-date", kExampleDate},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"x-amz-content-sha256", request.payload_sha256_hex}};
  Signature sig = SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleDate);

  EXPECT_EQ(request.canonical_uri, "/test%24file.text");
  EXPECT_EQ(request.payload_sha256_hex,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(sig.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(sig.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3SignerTest, GetBucketLifecycleExampleHasAnEmptyQueryValue) {
  SignableRequest request;
  request.method = "GET";
  request.canonical_uri = "/";
  request.query = {{"lifecycle", ""}};
  request.payload_sha256_hex = kEmptySha256;
  request.headers = {{"Host", kExampleHost},
                     {"x-amz-date", kExampleDate},
                     {"x-amz-content-sha256", kEmptySha256}};
  Signature sig = SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleDate);
  EXPECT_EQ(CanonicalQueryString(request.query), "lifecycle=");
  EXPECT_EQ(sig.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SignerTest, ListObjectsExampleSortsTheQuery) {
  SignableRequest request;
  request.method = "GET";
  request.canonical_uri = "/";
  request.query = {{"prefix", "J"}, {"max-keys", "2"}};
  request.payload_sha256_hex = kEmptySha256;
  request.headers = {{"Host", kExampleHost},
                     {"x-amz-date", kExampleDate},
                     {"x-amz-content-sha256", kEmptySha256}};
  Signature sig = SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleDate);
  EXPECT_EQ(CanonicalQueryString(request.query), "max-keys=2&prefix=J");
  EXPECT_EQ(sig.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SignerTest, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("a b+c=d/e~f_g.h-i", false), "a%20b%2Bc%3Dd/e~f_g.h-i");
  EXPECT_EQ(UriEncode("a b+c=d/e", true), "a%20b%2Bc%3Dd%2Fe");
  EXPECT_EQ(UriEncode("\xC3\xA9", false), "%C3%A9");  // U+00E9, byte by byte.
  EXPECT_EQ(UriEncode("*!'()", true), "%2A%21%27%28%29");
}

TEST(S3SignerTest, HeaderValuesAreTrimmedAndNamesLowerCased) {
  SignableRequest request;
  request.method = "GET";
  request.canonical_uri = "/";
  request.payload_sha256_hex = kEmptySha256;
  request.headers = {{"X-Amz-Meta-A", "  two   spaces  "}, {"HOST", "h"}};
  Signature sig = SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleDate);
  EXPECT_EQ(sig.signed_headers, "host;x-amz-meta-a");
  EXPECT_NE(sig.canonical_request.find("x-amz-meta-a:two spaces\n"), std::string::npos);
}

TEST(S3SignerTest, DigestsAndEncodings) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64Encode(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(FormatAmzDate(std::chrono::system_clock::from_time_t(1369353600)), kExampleDate);
}

}  // namespace
}  // namespace basalt::s3
