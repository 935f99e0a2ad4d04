// LocalFileSystem: the POSIX implementation of FileSystem.
//
// Writes go straight to the kernel (no user-space buffer), Sync is fdatasync, SyncDir opens the
// directory and fsyncs it. Stateless, so one instance may be shared by any number of threads.
#pragma once

#include "common/io/file_system.h"

namespace basalt {

class LocalFileSystem final : public FileSystem {
 public:
  LocalFileSystem() = default;

  // A process-wide instance; never destroyed.
  static LocalFileSystem* Default();

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::string> ReadFileToString(const std::string& path) override;
  Result<bool> FileExists(const std::string& path) override;
  Result<uint64_t> GetFileSize(const std::string& path) override;
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
};

// An error Status for a failed system call: NotFound for ENOENT, IOError otherwise; the message
// names the operation, the path and strerror(err).
Status PosixError(std::string_view op, const std::string& path, int err);

}  // namespace basalt
