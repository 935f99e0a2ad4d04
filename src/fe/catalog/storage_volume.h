// Storage volume definitions: validation of CREATE/ALTER STORAGE VOLUME properties and the
// StarRocks-exact rendering used by DESC STORAGE VOLUME (shared spec starrocks_surface.md §4).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fe/catalog/secret_box.h"
#include "journal.pb.h"

namespace basalt::fe {

inline constexpr const char* kBuiltinStorageVolume = "builtin_storage_volume";

using PropertyList = std::vector<std::pair<std::string, std::string>>;

// Builds a new volume definition from CREATE STORAGE VOLUME. `type` is S3 (LOCATIONS
// s3://bucket[/prefix]) or LOCAL (file:///absolute/dir, the embedded default). Unknown or
// malformed properties are errors naming the property. Credentials are sealed with `secrets`.
Result<proto::StorageVolumeMeta> BuildStorageVolume(const std::string& name, const std::string& type,
                                                    const std::vector<std::string>& locations,
                                                    const std::string& comment, const PropertyList& properties,
                                                    const SecretBox& secrets);

// Applies ALTER STORAGE VOLUME ... SET (...): only credentials, region, endpoint and `enabled` may
// change (TYPE and LOCATIONS are immutable: data already written lives there).
Status AlterStorageVolume(proto::StorageVolumeMeta* volume, const PropertyList& properties, const SecretBox& secrets);

// The `Params` column of DESC: a JSON object in StarRocks' key order with credentials shown as
// "******".
std::string StorageVolumeParamsJson(const proto::StorageVolumeMeta& volume);
// The `Location` column: locations joined with ", ".
std::string StorageVolumeLocation(const proto::StorageVolumeMeta& volume);

}  // namespace basalt::fe
