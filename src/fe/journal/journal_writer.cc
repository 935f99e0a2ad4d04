#include "fe/journal/journal_writer.h"

#include "common/logging.h"
#include "fe/journal/journal_format.h"

namespace basalt::fe {

Result<std::unique_ptr<JournalWriter>> JournalWriter::Open(FileSystem* fs, std::string dir,
                                                           const JournalOptions& options,
                                                           uint64_t next_seq,
                                                           std::optional<ActiveSegment> active) {
  if (next_seq == 0) return Status::InvalidArgument("journal sequence numbers start at 1");
  std::unique_ptr<JournalWriter> writer(new JournalWriter(fs, std::move(dir), options, next_seq));
  if (active.has_value()) {
    ASSIGN_OR_RETURN(writer->file_, fs->NewAppendableFile(active->path));
    writer->file_size_ = active->size;
  }
  return writer;
}

JournalWriter::JournalWriter(FileSystem* fs, std::string dir, const JournalOptions& options,
                             uint64_t next_seq)
    : fs_(fs), dir_(std::move(dir)), options_(options), last_seq_(next_seq - 1) {}

JournalWriter::~JournalWriter() {
  std::lock_guard lock(mu_);
  if (file_ != nullptr) {
    // Every acknowledged record is already synced; a close error cannot lose one.
    Status s = file_->Close();
    if (!s.ok()) LOG(WARNING) << "closing journal segment: " << s;
  }
}

Status JournalWriter::health() const {
  std::lock_guard lock(mu_);
  return failure_;
}

Status JournalWriter::RollLocked() {
  if (file_ != nullptr) {
    RETURN_IF_ERROR(file_->Close());
    file_.reset();
  }
  std::string path = JoinPath(dir_, SegmentFileName(last_seq() + 1));
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs_->NewWritableFile(path));
  std::string header = EncodeSegmentHeader();
  RETURN_IF_ERROR(file->Append(header));
  RETURN_IF_ERROR(file->Sync());
  // The new name must be durable before a record in it is acknowledged.
  RETURN_IF_ERROR(fs_->SyncDir(dir_));
  file_ = std::move(file);
  file_size_ = header.size();
  return Status::OK();
}

Result<uint64_t> JournalWriter::Append(std::string_view payload) {
  if (payload.size() > kMaxRecordPayload) {
    return Status::InvalidArgument("journal entry of " + std::to_string(payload.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(kMaxRecordPayload));
  }
  std::string record;
  uint64_t seq;
  std::lock_guard lock(mu_);
  if (!failure_.ok()) {
    return Status::IOError("journal writer for " + dir_ +
                           " refuses appends after an earlier write failure, because what reached "
                           "disk is unknown; restart the FE to recover the journal (first "
                           "failure: " + failure_.ToString() + ")");
  }
  seq = last_seq() + 1;
  AppendRecord(&record, seq, payload);

  Status status;
  if (file_ == nullptr || file_size_ >= options_.segment_roll_bytes) status = RollLocked();
  if (status.ok()) status = file_->Append(record);
  if (status.ok()) status = file_->Sync();
  if (!status.ok()) {
    failure_ = status;
    LOG(ERROR) << "journal append of seq " << seq << " failed; refusing further appends: "
               << status;
    return status;
  }
  file_size_ += record.size();
  last_seq_.store(seq, std::memory_order_release);
  return seq;
}

}  // namespace basalt::fe
