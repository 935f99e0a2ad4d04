#include "common/io/fault_injection_file_system.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace basalt {
namespace {

std::string NormalizeDir(std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return std::string(dir);
}

}  // namespace

class FaultInjectionFileSystem::File final : public WritableFile {
 public:
  File(FaultInjectionFileSystem* fs, std::unique_ptr<WritableFile> base,
       std::shared_ptr<FileState> state)
      : fs_(fs), base_(std::move(base)), state_(std::move(state)) {}

  Status Append(std::string_view data) override {
    size_t prefix = 0;
    if (fs_->TakeAppendFault(&prefix)) {
      prefix = std::min(prefix, data.size());
      if (prefix > 0 && base_->Append(data.substr(0, prefix)).ok()) {
        std::lock_guard lock(fs_->mu_);
        state_->size += prefix;
      }
      return Status::IOError("injected append failure: " + path());
    }
    RETURN_IF_ERROR(base_->Append(data));
    std::lock_guard lock(fs_->mu_);
    state_->size += data.size();
    return Status::OK();
  }

  Status Sync() override {
    if (fs_->TakeSyncFault()) return Status::IOError("injected fdatasync failure: " + path());
    RETURN_IF_ERROR(base_->Sync());
    std::lock_guard lock(fs_->mu_);
    state_->synced_size = state_->size;
    return Status::OK();
  }

  Status Close() override { return base_->Close(); }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionFileSystem* const fs_;
  std::unique_ptr<WritableFile> base_;
  std::shared_ptr<FileState> state_;
};

FaultInjectionFileSystem::FaultInjectionFileSystem(FileSystem* base) : base_(base) {}

FaultInjectionFileSystem::~FaultInjectionFileSystem() = default;

bool FaultInjectionFileSystem::TakeAppendFault(size_t* bytes_to_write) {
  std::lock_guard lock(mu_);
  if (append_faults_ <= 0) return false;
  --append_faults_;
  *bytes_to_write = append_fault_prefix_;
  return true;
}

bool FaultInjectionFileSystem::TakeSyncFault() {
  std::lock_guard lock(mu_);
  if (sync_faults_ <= 0) return false;
  --sync_faults_;
  return true;
}

bool FaultInjectionFileSystem::TakeDirSyncFault() {
  std::lock_guard lock(mu_);
  if (dir_sync_faults_ <= 0) return false;
  --dir_sync_faults_;
  return true;
}

void FaultInjectionFileSystem::FailNextAppends(int count, size_t bytes_written_before_failure) {
  std::lock_guard lock(mu_);
  append_faults_ = count;
  append_fault_prefix_ = bytes_written_before_failure;
}

void FaultInjectionFileSystem::FailNextSyncs(int count) {
  std::lock_guard lock(mu_);
  sync_faults_ = count;
}

void FaultInjectionFileSystem::FailNextDirSyncs(int count) {
  std::lock_guard lock(mu_);
  dir_sync_faults_ = count;
}

void FaultInjectionFileSystem::ClearFaults() {
  std::lock_guard lock(mu_);
  append_faults_ = 0;
  append_fault_prefix_ = 0;
  sync_faults_ = 0;
  dir_sync_faults_ = 0;
}

std::optional<uint64_t> FaultInjectionFileSystem::SyncedSizeForTest(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second->synced_size;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::Open(const std::string& path,
                                                                     bool truncate) {
  // Whether the file exists and how big it is must be known before opening creates or truncates.
  ASSIGN_OR_RETURN(bool existed, base_->FileExists(path));
  uint64_t existing_size = 0;
  if (existed && !truncate) {
    ASSIGN_OR_RETURN(existing_size, base_->GetFileSize(path));
  }
  std::unique_ptr<WritableFile> base_file;
  if (truncate) {
    ASSIGN_OR_RETURN(base_file, base_->NewWritableFile(path));
  } else {
    ASSIGN_OR_RETURN(base_file, base_->NewAppendableFile(path));
  }
  std::lock_guard lock(mu_);
  std::shared_ptr<FileState>& state = files_[path];
  if (state == nullptr) {
    state = std::make_shared<FileState>();
    // A file we have not seen before was either just created (not durable yet) or predates the
    // wrapper (assumed durable in full).
    state->entry_durable = existed;
    state->size = existing_size;
    state->synced_size = existing_size;
  } else if (truncate) {
    // Treat the truncation as durable: after a crash the file is empty, never half old.
    state->size = 0;
    state->synced_size = 0;
  }
  return std::unique_ptr<WritableFile>(new File(this, std::move(base_file), state));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::NewWritableFile(
    const std::string& path) {
  return Open(path, /*truncate=*/true);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::NewAppendableFile(
    const std::string& path) {
  return Open(path, /*truncate=*/false);
}

Result<std::string> FaultInjectionFileSystem::ReadFileToString(const std::string& path) {
  return base_->ReadFileToString(path);
}

Result<bool> FaultInjectionFileSystem::FileExists(const std::string& path) {
  return base_->FileExists(path);
}

Result<uint64_t> FaultInjectionFileSystem::GetFileSize(const std::string& path) {
  return base_->GetFileSize(path);
}

Result<std::vector<std::string>> FaultInjectionFileSystem::GetChildren(const std::string& dir) {
  return base_->GetChildren(dir);
}

Status FaultInjectionFileSystem::CreateDirs(const std::string& dir) {
  return base_->CreateDirs(dir);
}

Status FaultInjectionFileSystem::RemoveFile(const std::string& path) {
  RETURN_IF_ERROR(base_->RemoveFile(path));
  std::lock_guard lock(mu_);
  files_.erase(path);
  return Status::OK();
}

Status FaultInjectionFileSystem::RenameFile(const std::string& from, const std::string& to) {
  // If the rename replaces a durable file, keep that file's durable bytes: a crash before the
  // directory is synced must bring them back.
  std::optional<std::string> replaced;
  ASSIGN_OR_RETURN(bool to_exists, base_->FileExists(to));
  if (to_exists) {
    std::optional<uint64_t> durable_size;
    bool durable = true;
    {
      std::lock_guard lock(mu_);
      auto it = files_.find(to);
      if (it != files_.end()) {
        durable = it->second->entry_durable || it->second->replaced_contents.has_value();
        if (!it->second->entry_durable) replaced = it->second->replaced_contents;
        durable_size = it->second->synced_size;
      }
    }
    if (durable && !replaced.has_value()) {
      ASSIGN_OR_RETURN(std::string contents, base_->ReadFileToString(to));
      if (durable_size.has_value() && contents.size() > *durable_size) {
        contents.resize(*durable_size);
      }
      replaced = std::move(contents);
    }
  }
  RETURN_IF_ERROR(base_->RenameFile(from, to));
  std::lock_guard lock(mu_);
  std::shared_ptr<FileState> state;
  auto it = files_.find(from);
  if (it != files_.end()) {
    state = it->second;
    files_.erase(it);
  } else {
    // An untracked source predates the wrapper: its bytes are durable, its new name is not.
    ASSIGN_OR_RETURN(uint64_t size, base_->GetFileSize(to));
    state = std::make_shared<FileState>();
    state->size = size;
    state->synced_size = size;
  }
  state->entry_durable = false;
  state->replaced_contents = std::move(replaced);
  files_[to] = std::move(state);
  return Status::OK();
}

Status FaultInjectionFileSystem::Truncate(const std::string& path, uint64_t size) {
  RETURN_IF_ERROR(base_->Truncate(path, size));
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    it->second->size = size;
    it->second->synced_size = std::min(it->second->synced_size, size);
  }
  return Status::OK();
}

Status FaultInjectionFileSystem::SyncDir(const std::string& dir) {
  if (TakeDirSyncFault()) return Status::IOError("injected directory fsync failure: " + dir);
  RETURN_IF_ERROR(base_->SyncDir(dir));
  std::string normalized = NormalizeDir(dir);
  std::lock_guard lock(mu_);
  for (auto& [path, state] : files_) {
    if (DirName(path) == normalized) {
      state->entry_durable = true;
      state->replaced_contents.reset();
    }
  }
  return Status::OK();
}

Status FaultInjectionFileSystem::DropUnsyncedData() {
  std::map<std::string, std::shared_ptr<FileState>> files;
  {
    std::lock_guard lock(mu_);
    files.swap(files_);
  }
  Status first_error;
  auto note = [&first_error](Status s) {
    if (!s.ok() && first_error.ok()) first_error = std::move(s);
  };
  for (const auto& [path, state] : files) {
    if (!state->entry_durable) {
      if (state->replaced_contents.has_value()) {
        // Put the replaced file back, through the base so the restore itself is not tracked.
        auto file = base_->NewWritableFile(path);
        if (!file.ok()) {
          note(file.status());
          continue;
        }
        note((*file)->Append(*state->replaced_contents));
        note((*file)->Sync());
        note((*file)->Close());
      } else {
        Status s = base_->RemoveFile(path);
        if (!s.IsNotFound()) note(std::move(s));
      }
      continue;
    }
    auto size = base_->GetFileSize(path);
    if (!size.ok()) {
      if (!size.status().IsNotFound()) note(size.status());
      continue;
    }
    if (*size > state->synced_size) note(base_->Truncate(path, state->synced_size));
  }
  return first_error;
}

}  // namespace basalt
