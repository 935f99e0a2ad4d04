#include "common/io/volume_store.h"

#include <gtest/gtest.h>

#include "common/io/local_object_store.h"
#include "common/io/prefixed_object_store.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt {
namespace {

VolumeSpec S3Volume(std::string location) {
  VolumeSpec v;
  v.name = "vol1";
  v.type = "S3";
  v.location = std::move(location);
  v.params = {{"aws.s3.region", "eu-west-1"},
              {"aws.s3.endpoint", "http://127.0.0.1:9000"},
              {"aws.s3.access_key", "AKIDEXAMPLE"},
              {"aws.s3.secret_key", "SUPERSECRETKEY"}};
  return v;
}

TEST(VolumeStoreTest, ParseS3Location) {
  auto loc = ParseS3Location("s3://bucket");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->bucket, "bucket");
  EXPECT_EQ(loc->key_prefix, "");
  loc = ParseS3Location("s3://bucket/");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->key_prefix, "");
  loc = ParseS3Location("s3://bucket/a/b");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->bucket, "bucket");
  EXPECT_EQ(loc->key_prefix, "a/b/");
  loc = ParseS3Location("s3://bucket/a/b/");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->key_prefix, "a/b/");
  EXPECT_EQ(ParseS3Location("s3:///x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseS3Location("file:///x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseS3Location("s3://b/a//c").status().code(), StatusCode::kInvalidArgument);
}

TEST(VolumeStoreTest, S3OptionsFromParams) {
  auto options = S3OptionsFromVolume(S3Volume("s3://bkt/warehouse"));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->bucket, "bkt");
  EXPECT_EQ(options->region, "eu-west-1");
  EXPECT_EQ(options->endpoint, "http://127.0.0.1:9000");
  EXPECT_FALSE(options->virtual_hosted_style);
  EXPECT_EQ(options->credentials.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(options->credentials.secret_key, "SUPERSECRETKEY");

  VolumeSpec aws = S3Volume("s3://bkt");
  aws.params.erase("aws.s3.endpoint");
  aws.params["aws.s3.enable_path_style_access"] = "false";
  options = S3OptionsFromVolume(aws);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->endpoint, "s3.eu-west-1.amazonaws.com");
  EXPECT_TRUE(options->use_https);
  EXPECT_TRUE(options->virtual_hosted_style);

  aws.params.erase("aws.s3.region");
  options = S3OptionsFromVolume(aws);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->region, "us-east-1");
  EXPECT_EQ(options->endpoint, "s3.us-east-1.amazonaws.com");

  aws.params["aws.s3.use_instance_profile"] = "true";
  EXPECT_EQ(S3OptionsFromVolume(aws).status().code(), StatusCode::kNotSupported);
}

TEST(VolumeStoreTest, OpenS3WrapsPrefix) {
  auto store = OpenVolumeStore(S3Volume("s3://bkt/warehouse/"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto* prefixed = dynamic_cast<PrefixedObjectStore*>(store->get());
  ASSERT_NE(prefixed, nullptr);
  EXPECT_EQ(prefixed->prefix(), "warehouse/");
  EXPECT_EQ((*store)->DebugName(), "s3://bkt/warehouse/");

  store = OpenVolumeStore(S3Volume("s3://bkt"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(dynamic_cast<PrefixedObjectStore*>(store->get()), nullptr);
  EXPECT_NE(dynamic_cast<S3ObjectStore*>(store->get()), nullptr);
}

TEST(VolumeStoreTest, OpenLocal) {
  ScopedTempDir dir;
  VolumeSpec v;
  v.name = "builtin_storage_volume";
  v.type = "local";
  v.location = "file://" + dir.path() + "/objects";
  auto store = OpenVolumeStore(v);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put("a/b.seg", "hello").ok());
  auto got = (*store)->Get("a/b.seg");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or(""), "hello");

  v.location = "file://relative/dir";
  auto bad = OpenVolumeStore(v);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("builtin_storage_volume"), std::string::npos);
  v.location = "/no/scheme";
  EXPECT_EQ(OpenVolumeStore(v).status().code(), StatusCode::kInvalidArgument);
}

TEST(VolumeStoreTest, ErrorsNameTheVolumeButNoCredential) {
  VolumeSpec v = S3Volume("s3://bkt/p");
  v.type = "HDFS";
  auto st = OpenVolumeStore(v).status();
  EXPECT_EQ(st.code(), StatusCode::kNotSupported);
  EXPECT_NE(st.message().find("vol1"), std::string::npos);
  EXPECT_NE(st.message().find("s3://bkt/p"), std::string::npos);

  v = S3Volume("s3:///nobucket");
  st = OpenVolumeStore(v).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("vol1"), std::string::npos);
  EXPECT_EQ(st.message().find("SUPERSECRETKEY"), std::string::npos);
  EXPECT_EQ(st.message().find("AKIDEXAMPLE"), std::string::npos);
}

}  // namespace
}  // namespace basalt
