// Opening the ObjectStore of a storage volume (CREATE STORAGE VOLUME, StarRocks syntax) from its
// type, location and parameters, shared by the FE (probing a new volume) and the CN (reading and
// writing tablet objects).
//
// Volume types and locations:
//   S3     "s3://bucket" or "s3://bucket/key/prefix" (a trailing '/' is optional). The store is an
//          S3ObjectStore on the bucket, wrapped in a PrefixedObjectStore "key/prefix/" when the
//          location has one, so callers always use keys relative to the volume root.
//   LOCAL  "file:///absolute/dir": a LocalObjectStore rooted there (created if missing).
// Type names are case-insensitive.
//
// S3 parameters (the aws.s3.* keys of DESC STORAGE VOLUME, secrets in plain text):
//   aws.s3.region                    region; default us-east-1
//   aws.s3.endpoint                  "host[:port]" or "http(s)://host[:port]"; empty means AWS,
//                                    "s3.<region>.amazonaws.com" over https
//   aws.s3.enable_path_style_access  "false" selects virtual-hosted style URLs; anything else
//                                    path style (what MinIO expects)
//   aws.s3.access_key, aws.s3.secret_key  static credentials
// aws.s3.use_instance_profile / aws.s3.use_aws_sdk_default_behavior = "true" are NotSupported:
// Basalt only signs with static keys.
//
// Errors are InvalidArgument / NotSupported naming the volume and its location and never contain
// a credential.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/io/object_store.h"
#include "common/io/s3_object_store.h"
#include "common/status.h"

namespace basalt {

struct VolumeSpec {
  std::string name;      // For messages.
  std::string type;      // "S3" or "LOCAL".
  std::string location;  // See above.
  std::map<std::string, std::string> params;
};

// The parts of an "s3://bucket[/prefix]" location. key_prefix is empty or ends with '/'.
struct S3Location {
  std::string bucket;
  std::string key_prefix;
};
// InvalidArgument (naming the location) unless it is s3:// with a non-empty bucket and a prefix
// that is a valid object key.
Result<S3Location> ParseS3Location(std::string_view location);

// The S3 client settings for an S3 volume (bucket, region, endpoint, URL style, credentials).
// Timeouts and retries are left at S3Options' defaults; callers with a user waiting shorten them.
Result<S3Options> S3OptionsFromVolume(const VolumeSpec& volume);

// Opens the volume's store as described above. Makes no request to the service.
Result<std::shared_ptr<ObjectStore>> OpenVolumeStore(const VolumeSpec& volume);

}  // namespace basalt
