#include "fe/catalog/storage_volume.h"

#include <gtest/gtest.h>

#include "common/io/temp_dir_for_test.h"

namespace basalt::fe {
namespace {

const SecretBox kBox = SecretBox::WithKey(std::string(32, 'k'));

PropertyList SeedProperties() {
  return {{"enabled", "true"},
          {"aws.s3.endpoint", "minio:9000"},
          {"aws.s3.access_key", "AAAAAAAAAAAAAAAAAAAA"},
          {"aws.s3.secret_key", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"},
          {"aws.s3.use_instance_profile", "false"},
          {"aws.s3.use_aws_sdk_default_behavior", "false"}};
}

TEST(StorageVolumeTest, SeedVolumeDescribesExactlyAsStarRocks) {
  auto volume = BuildStorageVolume("s3_volume", "S3", {"s3://my-starrocks-bucket/"}, "", SeedProperties(), kBox);
  ASSERT_TRUE(volume.ok()) << volume.status();
  EXPECT_EQ(StorageVolumeParamsJson(*volume),
            "{\"aws.s3.access_key\":\"******\",\"aws.s3.secret_key\":\"******\",\"aws.s3.endpoint\":\"minio:9000\","
            "\"aws.s3.region\":\"us-east-1\",\"aws.s3.use_instance_profile\":\"false\","
            "\"aws.s3.use_web_identity_token_file\":\"false\",\"aws.s3.use_aws_sdk_default_behavior\":\"false\"}");
  EXPECT_EQ(StorageVolumeLocation(*volume), "s3://my-starrocks-bucket/");
  EXPECT_TRUE(volume->enabled());
}

TEST(StorageVolumeTest, SecretsAreSealedAndRecoverable) {
  auto volume = BuildStorageVolume("v", "S3", {"s3://b/"}, "", SeedProperties(), kBox);
  ASSERT_TRUE(volume.ok());
  std::string serialized;
  ASSERT_TRUE(volume->SerializeToString(&serialized));
  EXPECT_EQ(serialized.find("BBBBBBBBBBBBBBBBBBBB"), std::string::npos) << "secret in plain text";
  EXPECT_EQ(serialized.find("AAAAAAAAAAAAAAAAAAAA"), std::string::npos) << "access key in plain text";
  auto secret = kBox.Unseal(volume->params().at("aws.s3.secret_key"));
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
  SecretBox other = SecretBox::WithKey(std::string(32, 'x'));
  EXPECT_TRUE(other.Unseal(volume->params().at("aws.s3.secret_key")).status().IsCorruption());
}

TEST(StorageVolumeTest, PlaintextOptIn) {
  SecretBox plain = SecretBox::WithKey(std::string(32, 'k'), /*plaintext=*/true);
  EXPECT_EQ(plain.Seal("s3cret"), "s3cret");
}

TEST(StorageVolumeTest, KeyFileIsCreatedOnceAndReused) {
  ScopedTempDir dir;
  auto first = SecretBox::OpenOrCreate(dir.path());
  ASSERT_TRUE(first.ok()) << first.status();
  std::string sealed = first->Seal("x");
  auto second = SecretBox::OpenOrCreate(dir.path());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->Unseal(sealed), "x");
}

TEST(StorageVolumeTest, BadPropertiesNameTheProperty) {
  auto bad_key = BuildStorageVolume("v", "S3", {"s3://b/"}, "", {{"aws.s3.endpointt", "x"}}, kBox);
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.status().message().find("aws.s3.endpointt"), std::string::npos);
  PropertyList bad_bool = SeedProperties();
  bad_bool.push_back({"aws.s3.use_instance_profile", "maybe"});
  auto r = BuildStorageVolume("v", "S3", {"s3://b/"}, "", bad_bool, kBox);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("aws.s3.use_instance_profile"), std::string::npos);
  EXPECT_FALSE(BuildStorageVolume("v", "S3", {"http://b/"}, "", SeedProperties(), kBox).ok());
  EXPECT_FALSE(BuildStorageVolume("v", "S3", {"s3://b/"}, "", {{"aws.s3.endpoint", "m:9000"}}, kBox).ok())
      << "credentials are required without instance profile";
  EXPECT_FALSE(BuildStorageVolume("v", "HDFS", {"hdfs://x"}, "", {}, kBox).ok());
  EXPECT_FALSE(BuildStorageVolume(kBuiltinStorageVolume, "S3", {"s3://b/"}, "", SeedProperties(), kBox).ok());
}

TEST(StorageVolumeTest, AlterOnlyMutableProperties) {
  auto volume = BuildStorageVolume("v", "S3", {"s3://b/"}, "", SeedProperties(), kBox);
  ASSERT_TRUE(volume.ok());
  ASSERT_TRUE(AlterStorageVolume(&*volume, {{"enabled", "false"}, {"aws.s3.region", "eu-west-1"}}, kBox).ok());
  EXPECT_FALSE(volume->enabled());
  EXPECT_EQ(volume->params().at("aws.s3.region"), "eu-west-1");
  EXPECT_FALSE(AlterStorageVolume(&*volume, {{"aws.s3.enable_partitioned_prefix", "true"}}, kBox).ok());
}

TEST(StorageVolumeTest, LocalVolume) {
  auto volume = BuildStorageVolume("local", "LOCAL", {"file:///data/basalt"}, "embedded", {}, kBox);
  ASSERT_TRUE(volume.ok()) << volume.status();
  EXPECT_EQ(StorageVolumeParamsJson(*volume), "{}");
  EXPECT_FALSE(BuildStorageVolume("local", "LOCAL", {"/relative"}, "", {}, kBox).ok());
}

}  // namespace
}  // namespace basalt::fe
