#include "fe/journal/journal.h"

#include <algorithm>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "common/io/atomic_file.h"
#include "common/logging.h"
#include "fe/journal/journal_format.h"
#include "fe/journal/journal_reader.h"

namespace basalt::fe {
namespace {

struct SeqFile {
  uint64_t seq;
  std::string path;
};

struct DirListing {
  std::vector<SeqFile> segments;  // Ascending by first seq.
  std::vector<SeqFile> images;    // Ascending by last seq.
  std::vector<std::string> temp_files;
};

Result<DirListing> ListJournalDir(FileSystem* fs, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->GetChildren(dir));
  DirListing listing;
  for (const std::string& name : names) {
    if (auto seq = ParseSeqFileName(name, kSegmentFilePrefix)) {
      listing.segments.push_back({*seq, JoinPath(dir, name)});
    } else if (auto image_seq = ParseSeqFileName(name, kImageFilePrefix)) {
      listing.images.push_back({*image_seq, JoinPath(dir, name)});
    } else if (name.starts_with(kImageFilePrefix) && name.ends_with(kAtomicTempSuffix)) {
      listing.temp_files.push_back(JoinPath(dir, name));
    }
  }
  auto by_seq = [](const SeqFile& a, const SeqFile& b) { return a.seq < b.seq; };
  std::sort(listing.segments.begin(), listing.segments.end(), by_seq);
  std::sort(listing.images.begin(), listing.images.end(), by_seq);
  return listing;
}

// Index of the first segment that can hold an entry after image_seq: every earlier segment is
// followed by one starting at or before image_seq + 1, so all its entries are in the image.
size_t FirstUncoveredSegment(const std::vector<SeqFile>& segments, uint64_t image_seq) {
  size_t start = 0;
  while (start + 1 < segments.size() && segments[start + 1].seq <= image_seq + 1) ++start;
  return start;
}

// Non-OK if the segments cannot supply every entry after image_seq (there is a hole between the
// image and the first segment that would be read).
Status CheckSegmentsFollowImage(const std::vector<SeqFile>& segments, uint64_t image_seq) {
  if (segments.empty()) return Status::OK();
  const SeqFile& first = segments[FirstUncoveredSegment(segments, image_seq)];
  if (first.seq <= image_seq + 1) return Status::OK();
  std::string what = image_seq == 0 ? std::string("no image, and the oldest segment")
                                    : "the image ends at seq " + std::to_string(image_seq) +
                                          " but the next segment";
  return JournalCorruption(first.path, 0,
                           what + " starts at seq " + std::to_string(first.seq) + ", so entries " +
                               std::to_string(image_seq + 1) + ".." +
                               std::to_string(first.seq - 1) + " are missing");
}

}  // namespace

Journal::Journal(FileSystem* fs, std::string dir, Callbacks callbacks)
    : fs_(fs), dir_(std::move(dir)), callbacks_(std::move(callbacks)) {}

Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::Open(FileSystem* fs, const std::string& dir,
                                               const JournalOptions& options, Callbacks callbacks) {
  if (!callbacks.load_image || !callbacks.apply) {
    return Status::InvalidArgument("Journal::Open needs both load_image and apply callbacks");
  }
  ASSIGN_OR_RETURN(bool dir_existed, fs->FileExists(dir));
  RETURN_IF_ERROR(fs->CreateDirs(dir));
  if (!dir_existed) {
    // Make the new directory's own entry durable before anything acknowledged lives inside it.
    RETURN_IF_ERROR(fs->SyncDir(DirName(dir)));
  }
  ASSIGN_OR_RETURN(DirListing listing, ListJournalDir(fs, dir));
  for (const std::string& temp : listing.temp_files) {
    Status s = fs->RemoveFile(temp);
    if (!s.ok()) LOG(WARNING) << "journal: cannot remove leftover " << temp << ": " << s;
  }
  for (const auto* files : {&listing.segments, &listing.images}) {
    if (!files->empty() && files->front().seq == 0) {
      return JournalCorruption(files->front().path, 0, "file name carries seq 0; seqs start at 1");
    }
  }
  const std::vector<SeqFile>& segments = listing.segments;

  // Pick the newest usable image. A damaged newer image is skipped only if older state plus the
  // segments still reach the seq in its name (checked after replay): otherwise entries are lost.
  uint64_t image_seq = 0;
  std::string image_contents;
  bool have_image = false;
  Status newest_image_error;
  uint64_t required_last_seq = 0;
  for (auto it = listing.images.rbegin(); it != listing.images.rend(); ++it) {
    ASSIGN_OR_RETURN(std::string contents, fs->ReadFileToString(it->path));
    uint64_t seq = 0;
    std::string_view payload;
    Status s = DecodeImage(it->path, contents, it->seq, &seq, &payload);
    if (s.ok()) s = CheckSegmentsFollowImage(segments, seq);
    if (!s.ok()) {
      LOG(WARNING) << "journal: cannot use image " << it->path << ": " << s;
      if (newest_image_error.ok()) {
        newest_image_error = s;
        required_last_seq = it->seq;
      }
      continue;
    }
    have_image = true;
    image_seq = seq;
    image_contents = std::move(contents);
    break;
  }
  if (!have_image) {
    // Without an image the segments must start at seq 1.
    Status s = CheckSegmentsFollowImage(segments, 0);
    if (!s.ok()) return newest_image_error.ok() ? s : newest_image_error;
  }
  if (!newest_image_error.ok()) {
    LOG(WARNING) << "journal: newest image is unusable, falling back to "
                 << (have_image ? "image " + std::to_string(image_seq) : std::string("no image"))
                 << " plus segments";
  }

  if (have_image) {
    Status s = callbacks.load_image(
        image_seq, std::string_view(image_contents).substr(kImageHeaderSize));
    if (!s.ok()) return s.WithContext("loading journal image " + std::to_string(image_seq));
    image_contents = std::string();  // Can be large; the catalog has its own copy now.
  }

  // Replay. Entries at or below image_seq are validated but not applied.
  uint64_t next_to_apply = image_seq + 1;
  uint64_t replayed = 0;
  std::optional<uint64_t> segments_last_seq;
  std::optional<JournalWriter::ActiveSegment> active;
  for (size_t i = FirstUncoveredSegment(segments, image_seq); i < segments.size(); ++i) {
    const SeqFile& segment = segments[i];
    bool is_last = i + 1 == segments.size();
    if (segments_last_seq.has_value() && segment.seq != *segments_last_seq + 1) {
      return JournalCorruption(segment.path, 0,
                               "segment name says it starts at seq " +
                                   std::to_string(segment.seq) +
                                   " but the previous segment ends at seq " +
                                   std::to_string(*segments_last_seq));
    }
    ASSIGN_OR_RETURN(std::string contents, fs->ReadFileToString(segment.path));
    auto on_record = [&](uint64_t seq, std::string_view payload) -> Status {
      if (seq < next_to_apply) return Status::OK();
      Status s = callbacks.apply(seq, payload);
      if (!s.ok()) {
        return s.WithContext("replaying journal entry " + std::to_string(seq) + " from " +
                             segment.path);
      }
      next_to_apply = seq + 1;
      ++replayed;
      return Status::OK();
    };
    ASSIGN_OR_RETURN(SegmentReadResult read,
                     ReadSegment(segment.path, contents, segment.seq, is_last, on_record));
    if (read.torn) {
      LOG(WARNING) << "journal: torn tail in " << segment.path << " at byte offset "
                   << read.valid_bytes << " (" << read.torn_reason << "); dropping "
                   << contents.size() - read.valid_bytes
                   << " unacknowledged bytes, entries up to seq " << read.last_seq
                   << " are intact";
      if (read.header_torn) {
        RETURN_IF_ERROR(fs->RemoveFile(segment.path));
        RETURN_IF_ERROR(fs->SyncDir(dir));
      } else {
        RETURN_IF_ERROR(fs->Truncate(segment.path, read.valid_bytes));
      }
    }
    segments_last_seq = read.last_seq;
    if (is_last && !read.header_torn) active = JournalWriter::ActiveSegment{segment.path,
                                                                          read.valid_bytes};
  }

  uint64_t last_seq = std::max(image_seq, segments_last_seq.value_or(0));
  if (required_last_seq > last_seq) {
    return newest_image_error.WithContext("no older image plus segments reach seq " +
                                          std::to_string(required_last_seq));
  }
  if (segments_last_seq.has_value() && *segments_last_seq < image_seq) {
    // Only possible if segment data vanished after the image was written. The image holds the
    // state, so continue after it in a fresh segment rather than leave a hole in the old one.
    LOG(WARNING) << "journal: image " << image_seq << " is ahead of the last segment entry "
                 << *segments_last_seq << "; new entries start a new segment";
    active.reset();
  }

  std::unique_ptr<Journal> journal(new Journal(fs, dir, std::move(callbacks)));
  ASSIGN_OR_RETURN(journal->writer_,
                   JournalWriter::Open(fs, dir, options, last_seq + 1, std::move(active)));
  journal->image_seq_ = image_seq;
  if (image_seq > 0) {
    Status s = journal->DeleteObsoleteFiles(image_seq);
    if (!s.ok()) LOG(WARNING) << "journal: cleaning up obsolete files: " << s;
  }
  LOG(INFO) << "journal: opened " << dir << ": image seq " << image_seq << ", replayed "
            << replayed << " entries, last seq " << last_seq;
  return journal;
}

uint64_t Journal::image_seq() const {
  std::lock_guard lock(image_mu_);
  return image_seq_;
}

Result<uint64_t> Journal::Append(std::string_view payload) {
  std::lock_guard lock(append_mu_);
  if (!apply_failure_.ok()) {
    return Status::Internal("journal refuses appends until the FE restarts: " +
                            apply_failure_.ToString());
  }
  ASSIGN_OR_RETURN(uint64_t seq, writer_->Append(payload));
  Status s = callbacks_.apply(seq, payload);
  if (!s.ok()) {
    apply_failure_ = s.WithContext("journal entry " + std::to_string(seq) +
                                   " is durable but applying it failed");
    LOG(ERROR) << apply_failure_;
    return apply_failure_;
  }
  return seq;
}

Status Journal::WriteImage(uint64_t last_seq, std::string_view image_bytes) {
  std::lock_guard lock(image_mu_);
  uint64_t durable_seq = writer_->last_seq();
  if (last_seq == 0 || last_seq > durable_seq) {
    return Status::InvalidArgument("cannot write a journal image at seq " +
                                   std::to_string(last_seq) + ": the last durable entry is " +
                                   std::to_string(durable_seq));
  }
  if (last_seq < image_seq_) {
    return Status::InvalidArgument("journal image at seq " + std::to_string(last_seq) +
                                   " would be older than the existing one at " +
                                   std::to_string(image_seq_));
  }
  std::string header = EncodeImageHeader(last_seq, image_bytes);
  std::string_view pieces[] = {header, image_bytes};
  RETURN_IF_ERROR(WriteFileAtomically(fs_, JoinPath(dir_, ImageFileName(last_seq)), pieces));
  image_seq_ = last_seq;
  Status s = DeleteObsoleteFiles(last_seq);
  if (!s.ok()) LOG(WARNING) << "journal: image " << last_seq << " written, cleanup failed: " << s;
  return Status::OK();
}

Status Journal::DeleteObsoleteFiles(uint64_t image_seq) {
  ASSIGN_OR_RETURN(DirListing listing, ListJournalDir(fs_, dir_));
  Status first_error;
  bool removed_any = false;
  auto remove = [&](const std::string& path) {
    Status s = fs_->RemoveFile(path);
    if (s.ok()) {
      removed_any = true;
    } else if (first_error.ok()) {
      first_error = std::move(s);
    }
  };
  const std::vector<SeqFile>& segments = listing.segments;
  for (size_t i = 0; i + 1 < segments.size() && segments[i + 1].seq <= image_seq + 1; ++i) {
    remove(segments[i].path);
  }
  for (const SeqFile& image : listing.images) {
    if (image.seq < image_seq) remove(image.path);
  }
  // A removal that is lost in a crash is harmless (covered files are skipped), but sync anyway so
  // disk space accounting matches what the operator sees.
  if (removed_any) {
    Status s = fs_->SyncDir(dir_);
    if (!s.ok() && first_error.ok()) first_error = std::move(s);
  }
  return first_error;
}

}  // namespace basalt::fe
