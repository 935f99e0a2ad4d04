// LocalObjectStore: an ObjectStore in a local directory, for single-machine deployments, the
// in-process test cluster and unit tests.
//
// Layout: the object "a/b/c" is the file <root>/a/b/c, so the tree is readable with ls. Put writes
// <root>/.basalt-tmp/<unique name>, fsyncs it, renames it over the final path and fsyncs the
// final path's directory (and any directory it had to create), so after a crash a key holds
// either its old or its new complete contents. Delete removes the file, fsyncs its directory and
// removes directories that became empty, so prefixes leave no litter.
//
// Limits (reported by capabilities() and errors, checked by the conformance suite):
//   - A key cannot be both an object and a proper prefix segment of another key ("a" and "a/b"):
//     the second Put fails with NotSupported.
//   - The first segment ".basalt-tmp" is reserved, and a segment (the text between slashes) may
//     not exceed 255 bytes, the file-name limit; such keys are InvalidArgument.
//   - Directory entries that are not regular files or directories (symlinks, sockets) are
//     ignored by List and read as missing.
//
// Stray temp files left by a crash are removed by Open when older than an hour (a younger one may
// belong to another process writing to the same root, which is allowed).
//
// Thread-safety: safe for concurrent use, also by several processes on one root. Data is written
// and synced outside any lock; directory creation, rename and empty-directory removal are
// serialized on one mutex per store so a Delete's cleanup never removes a directory a concurrent
// Put is about to rename into.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common/io/object_store.h"

namespace basalt {

inline constexpr std::string_view kLocalObjectStoreTempDir = ".basalt-tmp";

class LocalObjectStore final : public ObjectStore {
 public:
  // Creates root (and parents) if needed. Errors: IOError when root cannot be created or is not
  // a directory.
  static Result<std::unique_ptr<LocalObjectStore>> Open(const std::string& root);

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override;
  std::string DebugName() const override { return "local:" + root_; }

  const std::string& root() const { return root_; }

 private:
  explicit LocalObjectStore(std::string root);

  Status CheckKey(std::string_view key) const;
  std::string PathOf(std::string_view key) const;
  // Creates the directories of key's parent path under root, fsyncing each new entry's parent.
  // Requires dir_mu_.
  Status CreateParentDirs(std::string_view key);
  // Removes now-empty directories from key's parent up to (excluding) root. Requires dir_mu_.
  void RemoveEmptyParents(std::string_view key);
  Result<std::optional<std::string>> Read(std::string_view key, uint64_t offset, uint64_t length);

  const std::string root_;
  const std::string temp_dir_;
  std::atomic<uint64_t> next_temp_id_{0};
  std::mutex dir_mu_;
};

}  // namespace basalt
