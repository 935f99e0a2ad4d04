#include "fe/catalog/storage_volume.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/sql_errors.h"
#include "common/string_util.h"

namespace basalt::fe {
namespace {

// StarRocks reports storage-volume DDL problems as ERROR 1064 (HY000) with a plain message.
constexpr SqlError kVolumeError{1064, "HY000"};

Status VolumeError(std::string message) { return Status::Sql(kVolumeError, std::move(message)); }

// The order DESC prints Params in (the seed's output), then anything else alphabetically.
const std::vector<std::string>& ParamOrder() {
  static const auto* kOrder = new std::vector<std::string>{
      "aws.s3.access_key", "aws.s3.secret_key", "aws.s3.endpoint", "aws.s3.region",
      "aws.s3.use_instance_profile", "aws.s3.use_web_identity_token_file", "aws.s3.use_aws_sdk_default_behavior"};
  return *kOrder;
}

const std::set<std::string>& BooleanKeys() {
  static const auto* kKeys = new std::set<std::string>{
      "enabled", "aws.s3.use_instance_profile", "aws.s3.use_aws_sdk_default_behavior",
      "aws.s3.use_web_identity_token_file", "aws.s3.enable_path_style_access", "aws.s3.enable_partitioned_prefix"};
  return *kKeys;
}

const std::set<std::string>& S3Keys() {
  static const auto* kKeys = new std::set<std::string>{
      "enabled", "aws.s3.endpoint", "aws.s3.region", "aws.s3.access_key", "aws.s3.secret_key",
      "aws.s3.use_instance_profile", "aws.s3.use_aws_sdk_default_behavior", "aws.s3.use_web_identity_token_file",
      "aws.s3.iam_role_arn", "aws.s3.external_id", "aws.s3.enable_path_style_access",
      "aws.s3.enable_partitioned_prefix", "aws.s3.num_partitioned_prefix"};
  return *kKeys;
}

bool IsCredential(const std::string& key) { return key == "aws.s3.access_key" || key == "aws.s3.secret_key"; }

// Checks one property; returns the normalised value.
Result<std::string> CheckProperty(const std::string& type, const std::string& key, const std::string& value) {
  if (type == "S3" ? !S3Keys().count(key) : key != "enabled") {
    return VolumeError("Invalid property '" + key + "' for a " + type + " storage volume");
  }
  if (BooleanKeys().count(key)) {
    std::string lower = ToLower(value);
    if (lower != "true" && lower != "false") {
      return VolumeError("Invalid value '" + value + "' for property '" + key + "': expected true or false");
    }
    return lower;
  }
  if (key == "aws.s3.num_partitioned_prefix") {
    int64_t n = 0;
    if (!ParseInt64(value, &n) || n < 4 || n > 1024) {
      return VolumeError("Invalid value '" + value + "' for property '" + key + "': expected 4..1024");
    }
  }
  if (key == "aws.s3.endpoint" && (value.empty() || value.find(' ') != std::string::npos)) {
    return VolumeError("Invalid value '" + value + "' for property 'aws.s3.endpoint': expected host[:port] or a URL");
  }
  return value;
}

Status CheckLocation(const std::string& type, const std::string& location) {
  if (type == "S3") {
    if (location.rfind("s3://", 0) != 0 || location.size() <= 5 || location[5] == '/') {
      return VolumeError("Invalid location '" + location + "' for an S3 storage volume: expected s3://bucket[/prefix]");
    }
    return Status::OK();
  }
  if (location.rfind("file:///", 0) != 0) {
    return VolumeError("Invalid location '" + location + "' for a LOCAL storage volume: expected file:///absolute/dir");
  }
  return Status::OK();
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

Result<proto::StorageVolumeMeta> BuildStorageVolume(const std::string& name, const std::string& type_text,
                                                    const std::vector<std::string>& locations,
                                                    const std::string& comment, const PropertyList& properties,
                                                    const SecretBox& secrets) {
  std::string type = ToUpper(type_text);
  if (type == "AZBLOB" || type == "HDFS") {
    return Status::Sql(sql_errors::kNotSupportedYet, "Storage volume type " + type + " is not supported; use S3 or LOCAL");
  }
  if (type != "S3" && type != "LOCAL") return VolumeError("Unknown storage volume type '" + type_text + "' (S3 or LOCAL)");
  if (name == kBuiltinStorageVolume) return VolumeError("Name '" + name + "' is reserved for the built-in storage volume");
  if (locations.empty()) return VolumeError("LOCATIONS must name at least one location");
  if (type == "LOCAL" && locations.size() != 1) return VolumeError("A LOCAL storage volume has exactly one location");
  for (const std::string& location : locations) RETURN_IF_ERROR(CheckLocation(type, location));

  proto::StorageVolumeMeta volume;
  volume.set_name(name);
  volume.set_type(type);
  for (const std::string& location : locations) volume.add_locations(location);
  volume.set_comment(comment);
  volume.set_enabled(true);  // StarRocks' code default (its docs say false)
  std::map<std::string, std::string> params;
  for (const auto& [key, value] : properties) {
    ASSIGN_OR_RETURN(std::string normalised, CheckProperty(type, key, value));
    if (key == "enabled") {
      volume.set_enabled(normalised == "true");
      continue;
    }
    params[key] = IsCredential(key) ? secrets.Seal(normalised) : normalised;
  }
  if (type == "S3") {
    if (!params.count("aws.s3.endpoint") && !params.count("aws.s3.region")) {
      return VolumeError("An S3 storage volume needs 'aws.s3.endpoint' or 'aws.s3.region'");
    }
    bool instance_profile = params["aws.s3.use_instance_profile"] == "true";
    bool sdk_default = params["aws.s3.use_aws_sdk_default_behavior"] == "true";
    if (!instance_profile && !sdk_default && (!params.count("aws.s3.access_key") || !params.count("aws.s3.secret_key"))) {
      return VolumeError("An S3 storage volume needs 'aws.s3.access_key' and 'aws.s3.secret_key' unless "
                         "'aws.s3.use_instance_profile' or 'aws.s3.use_aws_sdk_default_behavior' is true");
    }
    // Defaults StarRocks fills in and shows in DESC.
    params.try_emplace("aws.s3.region", "us-east-1");
    params.try_emplace("aws.s3.use_instance_profile", "false");
    params.try_emplace("aws.s3.use_web_identity_token_file", "false");
    params.try_emplace("aws.s3.use_aws_sdk_default_behavior", "false");
    for (const char* key : {"aws.s3.use_instance_profile", "aws.s3.use_web_identity_token_file",
                            "aws.s3.use_aws_sdk_default_behavior"}) {
      if (params[key].empty()) params[key] = "false";
    }
  }
  for (auto& [key, value] : params) (*volume.mutable_params())[key] = value;
  return volume;
}

Status AlterStorageVolume(proto::StorageVolumeMeta* volume, const PropertyList& properties, const SecretBox& secrets) {
  static const std::set<std::string> kMutable = {"enabled", "aws.s3.region", "aws.s3.endpoint", "aws.s3.access_key",
                                                 "aws.s3.secret_key", "aws.s3.use_instance_profile",
                                                 "aws.s3.use_aws_sdk_default_behavior", "aws.s3.iam_role_arn",
                                                 "aws.s3.external_id", "aws.s3.use_web_identity_token_file"};
  for (const auto& [key, value] : properties) {
    ASSIGN_OR_RETURN(std::string normalised, CheckProperty(volume->type(), key, value));
    if (!kMutable.count(key)) return VolumeError("Property '" + key + "' of a storage volume cannot be changed");
    if (key == "enabled") {
      volume->set_enabled(normalised == "true");
    } else {
      (*volume->mutable_params())[key] = IsCredential(key) ? secrets.Seal(normalised) : normalised;
    }
  }
  return Status::OK();
}

std::string StorageVolumeParamsJson(const proto::StorageVolumeMeta& volume) {
  std::vector<std::string> keys;
  for (const std::string& key : ParamOrder()) {
    if (volume.params().count(key)) keys.push_back(key);
  }
  std::vector<std::string> rest;
  for (const auto& [key, value] : volume.params()) {
    if (std::find(ParamOrder().begin(), ParamOrder().end(), key) == ParamOrder().end()) rest.push_back(key);
  }
  std::sort(rest.begin(), rest.end());
  keys.insert(keys.end(), rest.begin(), rest.end());
  std::string json = "{";
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& value = volume.params().at(keys[i]);
    json += (i ? ",\"" : "\"") + JsonEscape(keys[i]) + "\":\"" + (IsCredential(keys[i]) ? "******" : JsonEscape(value)) + "\"";
  }
  return json + "}";
}

std::string StorageVolumeLocation(const proto::StorageVolumeMeta& volume) {
  std::string out;
  for (int i = 0; i < volume.locations_size(); ++i) out += (i ? ", " : "") + volume.locations(i);
  return out;
}

}  // namespace basalt::fe
