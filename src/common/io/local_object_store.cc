#include "common/io/local_object_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include "common/io/file_system.h"

namespace basalt {
namespace {

// Always IOError: a missing file where one must be is a failure of the store, never the
// expected "no such key" answer (that one is decided explicitly by the callers).
// NAME_MAX of common Linux file systems; a longer segment cannot be a file or directory name.
constexpr size_t kMaxSegmentBytes = 255;

Status OsError(std::string_view op, const std::string& path, int err) {
  return Status::IOError("local object store: " + std::string(op) + " " + path + ": " +
                         std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { int fd = fd_; fd_ = -1; return fd; }

 private:
  int fd_;
};

Status SyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return OsError("open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return OsError("fsync directory", dir, errno);
  return Status::OK();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return OsError("write", path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status WriteSyncedFile(const std::string& path, std::string_view data) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return OsError("create", path, errno);
  RETURN_IF_ERROR(WriteAll(fd.get(), data, path));
  if (::fsync(fd.get()) != 0) return OsError("fsync", path, errno);
  if (::close(fd.Release()) != 0) return OsError("close", path, errno);
  return Status::OK();
}

Status MakeDirIfMissing(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return Status::OK();
  return OsError("mkdir", dir, errno);
}

// Removes temp files older than max_age; errors are ignored (the files are only litter).
void RemoveStaleTempFiles(const std::string& temp_dir, std::chrono::seconds max_age) {
  DIR* dir = ::opendir(temp_dir.c_str());
  if (dir == nullptr) return;
  std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, &::closedir);
  time_t cutoff = ::time(nullptr) - static_cast<time_t>(max_age.count());
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string path = JoinPath(temp_dir, name);
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < cutoff) {
      ::unlink(path.c_str());
    }
  }
}

}  // namespace

LocalObjectStore::LocalObjectStore(std::string root)
    : root_(std::move(root)), temp_dir_(JoinPath(root_, kLocalObjectStoreTempDir)) {}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(const std::string& root) {
  if (root.empty()) return Status::InvalidArgument("local object store: empty root directory");
  std::string normalized = root;
  while (normalized.size() > 1 && normalized.back() == '/') normalized.pop_back();
  // Create root and its parents.
  for (size_t pos = normalized.find('/', 1); ; pos = normalized.find('/', pos + 1)) {
    RETURN_IF_ERROR(MakeDirIfMissing(normalized.substr(0, pos)));
    if (pos == std::string::npos) break;
  }
  struct stat st;
  if (::stat(normalized.c_str(), &st) != 0) return OsError("stat", normalized, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Status::IOError("local object store: root " + normalized + " is not a directory");
  }
  auto store = std::unique_ptr<LocalObjectStore>(new LocalObjectStore(normalized));
  RETURN_IF_ERROR(MakeDirIfMissing(store->temp_dir_));
  RemoveStaleTempFiles(store->temp_dir_, std::chrono::hours(1));
  return store;
}

Status LocalObjectStore::CheckKey(std::string_view key) const {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  for (size_t start = 0; start < key.size();) {
    size_t end = std::min(key.find('/', start), key.size());
    if (end - start > kMaxSegmentBytes) {
      return Status::InvalidArgument("invalid object key '" + std::string(key) +
                                     "' for the local object store: a segment is longer than " +
                                     std::to_string(kMaxSegmentBytes) + " bytes");
    }
    start = end + 1;
  }
  std::string_view first = key.substr(0, key.find('/'));
  if (first == kLocalObjectStoreTempDir) {
    return Status::InvalidArgument("invalid object key '" + std::string(key) + "': '" +
                                   std::string(kLocalObjectStoreTempDir) +
                                   "' is reserved by the local object store");
  }
  return Status::OK();
}

std::string LocalObjectStore::PathOf(std::string_view key) const { return JoinPath(root_, key); }

Status LocalObjectStore::CreateParentDirs(std::string_view key) {
  for (size_t pos = key.find('/'); pos != std::string_view::npos; pos = key.find('/', pos + 1)) {
    std::string dir = PathOf(key.substr(0, pos));
    if (::mkdir(dir.c_str(), 0755) == 0) {
      // The new entry is durable only once its parent directory is synced.
      RETURN_IF_ERROR(SyncDirectory(DirName(dir)));
      continue;
    }
    int err = errno;
    if (err != EEXIST) return OsError("mkdir", dir, err);
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return OsError("stat", dir, errno);
    if (!S_ISDIR(st.st_mode)) {
      return Status::NotSupported("local object store cannot hold key '" + std::string(key) +
                                  "' because the object '" + std::string(key.substr(0, pos)) +
                                  "' exists");
    }
  }
  return Status::OK();
}

void LocalObjectStore::RemoveEmptyParents(std::string_view key) {
  for (size_t pos = key.rfind('/'); pos != std::string_view::npos && pos > 0;
       pos = key.rfind('/', pos - 1)) {
    std::string dir = PathOf(key.substr(0, pos));
    if (::rmdir(dir.c_str()) != 0) return;  // Not empty (or already gone): stop climbing.
  }
}

Status LocalObjectStore::Put(std::string_view key, std::string_view data) {
  RETURN_IF_ERROR(CheckKey(key));
  // Unique across threads (counter) and processes sharing the root (pid, random).
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string temp = JoinPath(temp_dir_, std::to_string(::getpid()) + "-" +
                                             std::to_string(next_temp_id_.fetch_add(1)) + "-" +
                                             std::to_string(rng()));
  Status status = WriteSyncedFile(temp, data);
  if (status.ok()) {
    std::string path = PathOf(key);
    std::lock_guard<std::mutex> lock(dir_mu_);
    status = CreateParentDirs(key);
    if (status.ok()) {
      struct stat st;
      if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        status = Status::NotSupported("local object store cannot hold key '" + std::string(key) +
                                      "' because keys below '" + std::string(key) + "/' exist");
      } else if (::rename(temp.c_str(), path.c_str()) != 0) {
        status = OsError("rename to", path, errno);
      } else {
        return SyncDirectory(DirName(path));
      }
    }
    RemoveEmptyParents(key);
  }
  ::unlink(temp.c_str());  // Best effort; the error being returned is what matters.
  return status.WithContext("put '" + std::string(key) + "'");
}

Result<std::optional<std::string>> LocalObjectStore::Read(std::string_view key, uint64_t offset,
                                                          uint64_t length) {
  RETURN_IF_ERROR(CheckKey(key));
  std::string path = PathOf(key);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    // ENOTDIR: a parent segment is an object, so this key cannot exist.
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return OsError("open", path, errno);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return OsError("fstat", path, errno);
  // A directory is a prefix of other keys, not an object.
  if (!S_ISREG(st.st_mode)) return std::optional<std::string>();
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (offset >= size) return std::optional<std::string>(std::string());
  std::string out(std::min(length, size - offset), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd.get(), out.data() + done, out.size() - done,
                        static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return OsError("read", path, errno);
    }
    // The file is replaced by rename, never truncated in place, so EOF here means a bug or an
    // outside writer.
    if (n == 0) return Status::IOError("local object store: " + path + " shrank while reading");
    done += static_cast<size_t>(n);
  }
  return std::optional<std::string>(std::move(out));
}

Result<std::optional<std::string>> LocalObjectStore::Get(std::string_view key) {
  return Read(key, 0, UINT64_MAX);
}

Result<std::optional<std::string>> LocalObjectStore::GetRange(std::string_view key,
                                                              uint64_t offset, uint64_t length) {
  return Read(key, offset, length);
}

Result<std::optional<ObjectInfo>> LocalObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  std::string path = PathOf(key);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<ObjectInfo>();
    return OsError("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size)});
}

Result<ListPage> LocalObjectStore::List(const ListOptions& options) {
  const std::string& prefix = options.prefix;
  std::vector<ObjectInfo> found;
  // Depth-first walk from the deepest directory that can hold matches. rel_dir is "" or "a/b/".
  std::vector<std::string> pending;
  size_t slash = prefix.rfind('/');
  pending.push_back(slash == std::string::npos ? "" : prefix.substr(0, slash + 1));
  while (!pending.empty()) {
    std::string rel_dir = std::move(pending.back());
    pending.pop_back();
    std::string dir_path = rel_dir.empty() ? root_ : PathOf(rel_dir.substr(0, rel_dir.size() - 1));
    DIR* dir = ::opendir(dir_path.c_str());
    if (dir == nullptr) {
      // Vanished (a concurrent Delete's cleanup) or never existed: nothing to list there.
      if (errno == ENOENT || errno == ENOTDIR) continue;
      return OsError("opendir", dir_path, errno);
    }
    std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, &::closedir);
    errno = 0;
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (rel_dir.empty() && name == kLocalObjectStoreTempDir) continue;
      std::string rel = rel_dir + name;
      struct stat st;
      if (::lstat(JoinPath(dir_path, name).c_str(), &st) != 0) continue;  // Deleted meanwhile.
      if (S_ISDIR(st.st_mode)) {
        std::string sub = rel + "/";
        if (sub.starts_with(prefix) || prefix.starts_with(sub)) pending.push_back(std::move(sub));
      } else if (S_ISREG(st.st_mode) && rel.starts_with(prefix)) {
        if (!options.continuation_token.empty() && rel <= options.continuation_token) continue;
        found.push_back(ObjectInfo{std::move(rel), static_cast<uint64_t>(st.st_size)});
      }
    }
  }
  return internal::MakeListPage(std::move(found), options);
}

Status LocalObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  std::string path = PathOf(key);
  std::lock_guard<std::mutex> lock(dir_mu_);
  if (::unlink(path.c_str()) != 0) {
    // Missing, or a directory (a prefix of other keys, not an object): nothing to delete.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return Status::OK();
    return OsError("unlink", path, errno);
  }
  Status status = SyncDirectory(DirName(path));
  RemoveEmptyParents(key);
  return status;
}

Status LocalObjectStore::DeleteMany(std::span<const std::string> keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(CheckKey(key));
  for (const std::string& key : keys) RETURN_IF_ERROR(Delete(key));
  return Status::OK();
}

Capabilities LocalObjectStore::capabilities() const {
  Capabilities caps;
  caps.object_and_prefix_may_share_name = false;
  return caps;
}

}  // namespace basalt
