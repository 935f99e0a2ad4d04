// Checks that a storage volume can be used before CREATE STORAGE VOLUME accepts it: the S3 bucket
// answers HeadBucket with the volume's credentials, or the LOCAL directory can be created and
// written. Errors name the volume and location, never a credential.
#pragma once

#include "common/status.h"
#include "fe/catalog/secret_box.h"
#include "journal.pb.h"

namespace basalt::fe {

Status ProbeStorageVolume(const proto::StorageVolumeMeta& volume, const SecretBox& secrets);

}  // namespace basalt::fe
