#include "common/io/local_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace basalt {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::Internal("append to closed file " + path_);
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write", path_, errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return Status::OK();
  }

  Status Sync() override {
    if (fd_ < 0) return Status::Internal("sync of closed file " + path_);
    // fdatasync also flushes the file size, which is all the metadata an append changes.
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync", path_, errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    int fd = fd_;
    fd_ = -1;
    // Linux always releases the descriptor, even when close reports an error, so no retry.
    if (::close(fd) != 0) return PosixError("close", path_, errno);
    return Status::OK();
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path, int extra_flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | extra_flags, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return PosixError("open", path, errno);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
}

}  // namespace

Status PosixError(std::string_view op, const std::string& path, int err) {
  std::string msg = std::string(op) + " " + path + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

LocalFileSystem* LocalFileSystem::Default() {
  static auto* fs = new LocalFileSystem();
  return fs;
}

Result<std::unique_ptr<WritableFile>> LocalFileSystem::NewWritableFile(const std::string& path) {
  return OpenForWrite(path, O_TRUNC);
}

Result<std::unique_ptr<WritableFile>> LocalFileSystem::NewAppendableFile(const std::string& path) {
  return OpenForWrite(path, O_APPEND);
}

Result<std::string> LocalFileSystem::ReadFileToString(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return PosixError("open", path, errno);
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[64 * 1024];
  Status status;
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      status = PosixError("read", path, errno);
      break;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  RETURN_IF_ERROR(status);
  return out;
}

Result<bool> LocalFileSystem::FileExists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return PosixError("stat", path, errno);
}

Result<uint64_t> LocalFileSystem::GetFileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

Result<std::vector<std::string>> LocalFileSystem::GetChildren(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return PosixError("opendir", dir, errno);
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    dirent* entry = ::readdir(d);
    if (entry == nullptr) {
      int err = errno;
      ::closedir(d);
      if (err != 0) return PosixError("readdir", dir, err);
      break;
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  return names;
}

Status LocalFileSystem::CreateDirs(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("CreateDirs: empty path");
  // Walk the components left to right; EEXIST on a prefix is fine as long as it is a directory.
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string prefix = dir.substr(0, pos);
    if (prefix.empty() || prefix == "/") continue;
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return PosixError("mkdir", prefix, errno);
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return PosixError("stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Status::IOError("mkdir " + dir + ": exists and is not a directory");
  }
  return Status::OK();
}

Status LocalFileSystem::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return PosixError("unlink", path, errno);
  return Status::OK();
}

Status LocalFileSystem::RenameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return PosixError("rename", from + " -> " + to, errno);
  }
  return Status::OK();
}

Status LocalFileSystem::Truncate(const std::string& path, uint64_t size) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return PosixError("open", path, errno);
  Status status;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    status = PosixError("ftruncate", path, errno);
  } else if (::fsync(fd) != 0) {
    status = PosixError("fsync", path, errno);
  }
  ::close(fd);
  return status;
}

Status LocalFileSystem::SyncDir(const std::string& dir) {
  int fd;
  do {
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return PosixError("open directory", dir, errno);
  Status status;
  if (::fsync(fd) != 0) status = PosixError("fsync directory", dir, errno);
  ::close(fd);
  return status;
}

}  // namespace basalt
