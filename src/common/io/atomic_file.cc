#include "common/io/atomic_file.h"

#include <memory>

namespace basalt {
namespace {

Status WriteAndSync(FileSystem* fs, const std::string& path,
                    std::span<const std::string_view> pieces) {
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs->NewWritableFile(path));
  Status status;
  for (std::string_view piece : pieces) {
    status = file->Append(piece);
    if (!status.ok()) break;
  }
  if (status.ok()) status = file->Sync();
  Status close_status = file->Close();
  RETURN_IF_ERROR(status);
  return close_status;
}

}  // namespace

Status WriteFileAtomically(FileSystem* fs, const std::string& path, std::string_view bytes) {
  return WriteFileAtomically(fs, path, std::span<const std::string_view>(&bytes, 1));
}

Status WriteFileAtomically(FileSystem* fs, const std::string& path,
                           std::span<const std::string_view> pieces) {
  std::string temp = path + std::string(kAtomicTempSuffix);
  Status status = WriteAndSync(fs, temp, pieces);
  if (status.ok()) status = fs->RenameFile(temp, path);
  if (!status.ok()) {
    // Best effort: a leftover temp file is harmless, the original error is what matters.
    (void)fs->RemoveFile(temp);
    return status;
  }
  return fs->SyncDir(DirName(path));
}

}  // namespace basalt
