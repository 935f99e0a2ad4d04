// FaultInjectionFileSystem: a FileSystem wrapper for crash and error-path tests.
//
// It forwards every call to a base FileSystem and remembers, per file written through it:
//   - the file's size at its last successful WritableFile::Sync (or Truncate), and
//   - whether the file's directory entry is durable, i.e. SyncDir on its parent returned OK after
//     the file was created or renamed into place.
// DropUnsyncedData() then makes the base file system look like the machine lost power:
//   - files whose entry never became durable are deleted (a file that replaced an older durable
//     one by rename gets the older contents back);
//   - every other file is truncated to its last synced size.
// Files that existed before the wrapper first saw them are assumed fully durable. Removals are
// treated as durable at once (a removed file never comes back), and directories created by
// CreateDirs are assumed durable; the journal tolerates both being otherwise.
//
// It can also fail the next N appends, file syncs or directory syncs with IOError. A failed append
// may first write a configurable prefix of its data, like a real short write.
//
// Thread-safety: all methods may be called concurrently; calls are serialized on one mutex.
// DropUnsyncedData must only be called while no WritableFile obtained from this wrapper is still
// being written (destroy or close them first: that is the crash).
// Ownership: base is not owned and must outlive this object and all files it opened.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/io/file_system.h"

namespace basalt {

class FaultInjectionFileSystem final : public FileSystem {
 public:
  explicit FaultInjectionFileSystem(FileSystem* base);
  ~FaultInjectionFileSystem() override;

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

  // Simulates a power loss as described above, then forgets all tracking state (every surviving
  // file is now fully durable). Injected-fault counters are left alone.
  Status DropUnsyncedData();

  // The next `count` WritableFile::Append calls fail with IOError after writing at most
  // `bytes_written_before_failure` bytes of their data.
  void FailNextAppends(int count, size_t bytes_written_before_failure = 0);
  // The next `count` WritableFile::Sync calls fail with IOError without syncing.
  void FailNextSyncs(int count);
  // The next `count` SyncDir calls fail with IOError without syncing.
  void FailNextDirSyncs(int count);
  void ClearFaults();

  // The synced size of a file written through this wrapper; nullopt if it is not tracked.
  std::optional<uint64_t> SyncedSizeForTest(const std::string& path) const;

 private:
  class File;
  struct FileState {
    uint64_t size = 0;
    uint64_t synced_size = 0;
    bool entry_durable = false;
    // Durable contents of a file that a not-yet-durable rename replaced; restored on a crash.
    std::optional<std::string> replaced_contents;
  };

  Result<std::unique_ptr<WritableFile>> Open(const std::string& path, bool truncate);
  // Each returns true (and consumes one fault) when the operation must fail.
  bool TakeAppendFault(size_t* bytes_to_write);
  bool TakeSyncFault();
  bool TakeDirSyncFault();

  FileSystem* const base_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<FileState>> files_;
  int append_faults_ = 0;
  size_t append_fault_prefix_ = 0;
  int sync_faults_ = 0;
  int dir_sync_faults_ = 0;
};

}  // namespace basalt
