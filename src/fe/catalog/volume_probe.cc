#include "fe/catalog/volume_probe.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "common/io/s3_object_store.h"
#include "common/io/volume_store.h"
#include "common/logging.h"

namespace basalt::fe {
namespace {

std::string Param(const proto::StorageVolumeMeta& volume, const std::string& key) {
  auto it = volume.params().find(key);
  return it == volume.params().end() ? "" : it->second;
}

Status ProbeS3(const proto::StorageVolumeMeta& volume, const SecretBox& secrets) {
  if (Param(volume, "aws.s3.use_instance_profile") == "true" ||
      Param(volume, "aws.s3.use_aws_sdk_default_behavior") == "true") {
    LOG(WARNING) << "storage volume " << volume.name()
                 << ": instance-profile / SDK-default credentials are not checked at creation";
    return Status::OK();
  }
  // The CN opens the same volume through the same function, so what the probe checks is what
  // ingest will use. Secrets are sealed in the catalog; the S3 client needs them in plain text.
  VolumeSpec spec;
  spec.name = volume.name();
  spec.type = volume.type();
  spec.params = std::map<std::string, std::string>(volume.params().begin(), volume.params().end());
  for (const std::string& location : volume.locations()) {
    std::string path = location.substr(5);  // after "s3://"
    spec.location = location;
    ASSIGN_OR_RETURN(spec.params["aws.s3.access_key"], secrets.Unseal(Param(volume, "aws.s3.access_key")));
    ASSIGN_OR_RETURN(spec.params["aws.s3.secret_key"], secrets.Unseal(Param(volume, "aws.s3.secret_key")));
    ASSIGN_OR_RETURN(S3Options options, S3OptionsFromVolume(spec));
    // A user is waiting on the statement: fail within seconds, not after minutes of retries.
    options.max_attempts = 2;
    options.connect_timeout = std::chrono::milliseconds(3000);
    options.request_timeout = std::chrono::milliseconds(5000);
    options.request_deadline = std::chrono::milliseconds(10000);
    ASSIGN_OR_RETURN(std::unique_ptr<S3ObjectStore> store, S3ObjectStore::Make(options));
    // A one-key listing rather than HeadBucket: its error body names the S3 error code
    // (SignatureDoesNotMatch, AccessDenied, NoSuchBucket), which a HEAD response cannot carry.
    ListOptions list;
    list.prefix = path.find('/') == std::string::npos ? "" : path.substr(path.find('/') + 1);
    list.max_keys = 1;
    Status reachable = store->List(list).status();
    if (!reachable.ok()) {
      return Status::Sql({1064, "HY000"}, "Cannot access storage volume '" + volume.name() + "' at " + location +
                                              " (endpoint " + options.endpoint + "): " + reachable.message());
    }
  }
  return Status::OK();
}

Status ProbeLocal(const proto::StorageVolumeMeta& volume) {
  std::string dir = volume.locations(0).substr(7);  // after "file://"
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string probe = dir + "/.basalt-probe";
  {
    std::ofstream out(probe);
    out << "ok";
    if (ec || !out) {
      return Status::Sql({1064, "HY000"}, "Cannot write to storage volume '" + volume.name() + "' directory " + dir +
                                              (ec ? ": " + ec.message() : ""));
    }
  }
  std::filesystem::remove(probe, ec);
  return Status::OK();
}

}  // namespace

Status ProbeStorageVolume(const proto::StorageVolumeMeta& volume, const SecretBox& secrets) {
  if (volume.type() == "S3") return ProbeS3(volume, secrets);
  if (volume.type() == "LOCAL") return ProbeLocal(volume);
  return Status::NotSupported("storage volume type " + volume.type());
}

}  // namespace basalt::fe
