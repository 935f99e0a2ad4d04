#include "common/io/volume_store.h"

#include "common/io/local_object_store.h"
#include "common/io/prefixed_object_store.h"
#include "common/string_util.h"

namespace basalt {
namespace {

constexpr std::string_view kS3Scheme = "s3://";
constexpr std::string_view kFileScheme = "file://";

std::string Param(const VolumeSpec& volume, const std::string& key) {
  auto it = volume.params.find(key);
  return it == volume.params.end() ? "" : it->second;
}

std::string Describe(const VolumeSpec& volume) {
  return "storage volume '" + volume.name + "' (" + volume.location + ")";
}

}  // namespace

Result<S3Location> ParseS3Location(std::string_view location) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("S3 location '" + std::string(location) + "' " + why);
  };
  if (!location.starts_with(kS3Scheme)) return bad("does not start with s3://");
  std::string_view path = location.substr(kS3Scheme.size());
  S3Location out;
  size_t slash = path.find('/');
  out.bucket = std::string(path.substr(0, slash));
  if (out.bucket.empty()) return bad("has no bucket");
  if (slash != std::string_view::npos) {
    std::string_view prefix = path.substr(slash + 1);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    if (!prefix.empty()) {
      if (Status st = ValidateObjectKey(prefix); !st.ok()) return bad("has an invalid key prefix: " + st.message());
      out.key_prefix = std::string(prefix) + "/";
    }
  }
  return out;
}

Result<S3Options> S3OptionsFromVolume(const VolumeSpec& volume) {
  if (Param(volume, "aws.s3.use_instance_profile") == "true" ||
      Param(volume, "aws.s3.use_aws_sdk_default_behavior") == "true") {
    return Status::NotSupported(Describe(volume) +
                                ": instance-profile / SDK-default credentials are not supported, "
                                "set aws.s3.access_key and aws.s3.secret_key");
  }
  auto location = ParseS3Location(volume.location);
  if (!location.ok()) return location.status().WithContext("storage volume '" + volume.name + "'");
  S3Options options;
  options.bucket = location->bucket;
  if (std::string region = Param(volume, "aws.s3.region"); !region.empty()) options.region = region;
  options.endpoint = Param(volume, "aws.s3.endpoint");
  if (options.endpoint.empty()) {
    options.endpoint = "s3." + options.region + ".amazonaws.com";
    options.use_https = true;
  }
  options.virtual_hosted_style = Param(volume, "aws.s3.enable_path_style_access") == "false";
  options.credentials.access_key = Param(volume, "aws.s3.access_key");
  options.credentials.secret_key = Param(volume, "aws.s3.secret_key");
  return options;
}

Result<std::shared_ptr<ObjectStore>> OpenVolumeStore(const VolumeSpec& volume) {
  const std::string type = ToLower(volume.type);
  if (type == "s3") {
    ASSIGN_OR_RETURN(S3Options options, S3OptionsFromVolume(volume));
    ASSIGN_OR_RETURN(S3Location location, ParseS3Location(volume.location));
    auto s3 = S3ObjectStore::Make(std::move(options));
    if (!s3.ok()) return s3.status().WithContext(Describe(volume));
    std::shared_ptr<ObjectStore> store = std::move(s3).value();
    if (location.key_prefix.empty()) return store;
    auto prefixed = PrefixedObjectStore::Make(std::move(store), location.key_prefix);
    if (!prefixed.ok()) return prefixed.status().WithContext(Describe(volume));
    return std::shared_ptr<ObjectStore>(std::move(prefixed).value());
  }
  if (type == "local") {
    if (!volume.location.starts_with(kFileScheme)) {
      return Status::InvalidArgument(Describe(volume) + ": a LOCAL location must start with file://");
    }
    std::string dir = volume.location.substr(kFileScheme.size());
    if (dir.empty() || dir.front() != '/') {
      return Status::InvalidArgument(Describe(volume) + ": a LOCAL location must be an absolute path (file:///dir)");
    }
    auto local = LocalObjectStore::Open(dir);
    if (!local.ok()) return local.status().WithContext(Describe(volume));
    return std::shared_ptr<ObjectStore>(std::move(local).value());
  }
  return Status::NotSupported(Describe(volume) + ": unknown storage volume type '" + volume.type + "'");
}

}  // namespace basalt
