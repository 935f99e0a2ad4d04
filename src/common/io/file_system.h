// FileSystem: the narrow interface to local files used where durability matters (the FE journal,
// CN cache metadata). It is deliberately POSIX-shaped and small so a fault-injecting wrapper can
// model exactly what survives a crash.
//
// Durability contract (what callers may rely on after a power loss):
//   - Bytes passed to WritableFile::Append are durable only after a later WritableFile::Sync
//     returned OK.
//   - A newly created or renamed file's directory entry is durable only after SyncDir on its
//     parent directory returned OK. Until then the file may vanish (or a rename may be undone)
//     even if its contents were synced.
//   - Truncate is durable when it returns OK.
//   - RemoveFile is not guaranteed durable without a later SyncDir; callers must tolerate a
//     removed file coming back.
//
// Errors: every operation returns a Status/Result. OS failures are IOError with the path and the
// errno text; a missing file or directory is NotFound. Nothing throws.
//
// Thread-safety: FileSystem implementations are safe for concurrent use. A WritableFile is not:
// one thread (or one mutex holder) at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace basalt {

// An open file being written sequentially. Destroying an unclosed file closes it and ignores
// errors; call Close to learn about them.
class WritableFile {
 public:
  WritableFile() = default;
  WritableFile(const WritableFile&) = delete;
  WritableFile& operator=(const WritableFile&) = delete;
  virtual ~WritableFile() = default;

  // Appends all of data at the end of the file (no user-space buffering: the bytes reach the OS
  // before this returns). A failed Append may have written a prefix of data.
  virtual Status Append(std::string_view data) = 0;
  // Makes every byte appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  // Releases the descriptor. Does not sync. Further calls on the file are invalid.
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

class FileSystem {
 public:
  FileSystem() = default;
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;
  virtual ~FileSystem() = default;

  // Creates path, or truncates it to zero bytes if it exists, and opens it for writing.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens path for appending, creating it empty if it does not exist.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  // The whole file in memory. NotFound if it does not exist.
  virtual Result<std::string> ReadFileToString(const std::string& path) = 0;
  // False when nothing exists at path; an error only if the OS cannot tell.
  virtual Result<bool> FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Names (not paths) of the entries in dir, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  // Creates dir and any missing parents; OK if it already exists as a directory.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Atomically replaces to (if it exists) with from. Both must be in the same file system.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Sets the file's size to size bytes (shrinking or zero-extending) and makes that durable.
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Makes creations, renames and removals of entries in dir durable (fsync on the directory).
  virtual Status SyncDir(const std::string& dir) = 0;
};

// "dir/name", without doubling a trailing slash of dir.
std::string JoinPath(std::string_view dir, std::string_view name);
// The parent directory of path ("a/b/c" -> "a/b", "c" -> ".", "/c" -> "/"). Trailing slashes of
// path are ignored.
std::string DirName(std::string_view path);
// The last component of path ("a/b/c" -> "c").
std::string BaseName(std::string_view path);

}  // namespace basalt
