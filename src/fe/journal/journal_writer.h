// JournalWriter: appends records to the segment files of a journal directory (format in
// journal_format.h) and makes each durable before acknowledging it.
//
// Append writes one record and fdatasyncs the segment before returning, so an OK return means the
// record survives a crash. A new segment is created lazily, on the first Append after the current
// segment reached JournalOptions::segment_roll_bytes (or when there is none): header written and
// synced, then the directory synced, before the record goes in.
//
// Failure model: after any failed write, sync or segment creation the writer cannot know what
// reached the disk (a partial record, a record that is durable despite the error, ...), so it
// refuses every later Append with IOError. The process must reopen the journal, whose recovery
// decides from the bytes on disk. A rejected payload (too large) is not a failure of this kind.
//
// Thread-safety: Append may be called from any number of threads; records get consecutive seqs in
// the order the internal mutex is acquired. Accessors are safe to call concurrently.
// Ownership: `fs` is not owned and must outlive the writer.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/io/file_system.h"
#include "common/status.h"

namespace basalt::fe {

struct JournalOptions {
  // Appends go to a new segment file once the current one has reached this many bytes. Smaller
  // segments let images reclaim space sooner; larger ones mean fewer files.
  uint64_t segment_roll_bytes = 64ull << 20;
};

class JournalWriter {
 public:
  // The segment that appends continue in: its records are valid, it ends with seq next_seq - 1
  // (or is empty and named next_seq), and `size` is its length in bytes.
  struct ActiveSegment {
    std::string path;
    uint64_t size = 0;
  };

  // Prepares a writer for `dir` whose next record gets `next_seq` (>= 1). With `active`, appends
  // continue at the end of that file; without, the first Append creates journal.<next_seq>.
  // Errors: IOError if the active segment cannot be opened.
  static Result<std::unique_ptr<JournalWriter>> Open(FileSystem* fs, std::string dir,
                                                     const JournalOptions& options,
                                                     uint64_t next_seq,
                                                     std::optional<ActiveSegment> active);

  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Durably appends payload as the next record and returns its seq.
  // Errors: InvalidArgument if payload exceeds kMaxRecordPayload (the writer stays usable);
  // IOError from the file system, after which every later call fails with IOError too.
  Result<uint64_t> Append(std::string_view payload);

  // The seq of the last durable record (next_seq - 1 at Open if nothing was appended since).
  uint64_t last_seq() const { return last_seq_.load(std::memory_order_acquire); }
  // OK, or the first write failure that made the writer refuse appends.
  Status health() const;

 private:
  JournalWriter(FileSystem* fs, std::string dir, const JournalOptions& options, uint64_t next_seq);

  // Closes the current segment (if any) and creates journal.<next seq>. Requires mu_.
  Status RollLocked();

  FileSystem* const fs_;
  const std::string dir_;
  const JournalOptions options_;

  mutable std::mutex mu_;
  std::unique_ptr<WritableFile> file_;  // The active segment; null before the first roll.
  uint64_t file_size_ = 0;
  Status failure_;                      // Sticky first failure; OK while healthy.
  std::atomic<uint64_t> last_seq_;
};

}  // namespace basalt::fe
