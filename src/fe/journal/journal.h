// Journal: the FE's only source of truth. An append-only, checksummed, fsync-before-acknowledge
// log of opaque entries (the catalog layer serializes its edits into them), plus periodic images
// that let old log segments be deleted. Formats and recovery rules: journal_format.h.
//
// The in-memory catalog changes only through Callbacks::apply, and the same function is used for
// replay at Open and for live appends, so replay and apply cannot drift apart:
//
//   Journal::Callbacks callbacks{
//       .load_image = [&](uint64_t seq, std::string_view image) { return catalog.Load(image); },
//       .apply = [&](uint64_t seq, std::string_view entry) { return catalog.Apply(entry); }};
//   ASSIGN_OR_RETURN(auto journal, Journal::Open(fs, dir, JournalOptions{}, callbacks));
//   ASSIGN_OR_RETURN(uint64_t seq, journal->Append(entry));   // durable and applied: acknowledge
//
// Open: creates dir if missing; loads the newest valid image through load_image; replays every
// record with a larger seq through apply, in seq order; truncates a torn tail (logging a warning
// with file and offset); fails with Corruption naming file and byte offset if the journal is
// damaged, in which case the FE must not start. An empty directory is an empty journal.
//
// Thread-safety: Append, WriteImage and the accessors may be called concurrently. apply runs with
// the journal's append lock held, so entries are applied one at a time in seq order; callbacks
// must not call back into the Journal.
// Ownership: `fs` is not owned and must outlive the Journal.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/io/file_system.h"
#include "common/status.h"
#include "fe/journal/journal_writer.h"

namespace basalt::fe {

class Journal {
 public:
  struct Callbacks {
    // Receives the newest image at Open (not called when there is none). Runs before any apply.
    std::function<Status(uint64_t last_seq, std::string_view image)> load_image;
    // Receives every entry after the image at Open, then every entry appended through Append.
    std::function<Status(uint64_t seq, std::string_view payload)> apply;
  };

  // Errors: Corruption (damaged journal: refuse to start), IOError, InvalidArgument (missing
  // callbacks), or the first error a callback returned (with the seq as context).
  static Result<std::unique_ptr<Journal>> Open(FileSystem* fs, const std::string& dir,
                                               const JournalOptions& options, Callbacks callbacks);

  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Durably appends payload, then applies it, then returns its seq. OK means the entry will be
  // replayed after any crash, so the caller may acknowledge.
  // Errors: InvalidArgument for an oversized payload (nothing written); IOError from the disk,
  // after which the entry's fate is unknown and every later Append fails; if apply fails the
  // entry IS durable, the error is returned with that context, and later Appends fail too, since
  // memory no longer matches the journal (restart to replay).
  Result<uint64_t> Append(std::string_view payload);

  // Records image_bytes as the state after applying every entry up to last_seq, durably (temp file
  // + sync + rename + directory sync), then deletes older images and segments whose entries are
  // all <= last_seq. The caller must make sure the image reflects exactly entries 1..last_seq.
  // Errors: InvalidArgument if last_seq is 0, beyond the last appended seq or below the current
  // image; IOError if the image could not be made durable. After an IOError the image file may
  // still exist (e.g. only the directory sync failed) and be used by a later Open; that is
  // harmless since it is a correct image. Failing to delete obsolete files is only logged: they
  // are retried by the next WriteImage or Open.
  Status WriteImage(uint64_t last_seq, std::string_view image_bytes);

  // The seq of the last durable entry; 0 for an empty journal.
  uint64_t last_seq() const { return writer_->last_seq(); }
  // The seq of the newest image loaded or written; 0 if none.
  uint64_t image_seq() const;
  const std::string& dir() const { return dir_; }

 private:
  Journal(FileSystem* fs, std::string dir, Callbacks callbacks);

  // Deletes images older than image_seq and segments whose successor starts at or before
  // image_seq + 1 (all their entries are in the image). The active segment is never deleted: it
  // has no successor.
  Status DeleteObsoleteFiles(uint64_t image_seq);

  FileSystem* const fs_;
  const std::string dir_;
  const Callbacks callbacks_;
  std::unique_ptr<JournalWriter> writer_;

  std::mutex append_mu_;     // Orders write + apply pairs.
  Status apply_failure_;     // Guarded by append_mu_.
  mutable std::mutex image_mu_;  // Serializes WriteImage.
  uint64_t image_seq_ = 0;       // Guarded by image_mu_.
};

}  // namespace basalt::fe
