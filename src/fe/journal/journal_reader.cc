#include "fe/journal/journal_reader.h"

#include <algorithm>
#include <cstring>

#include "fe/journal/journal_format.h"

namespace basalt::fe {
namespace {

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

// True if a complete, checksum-valid record carrying `seq` starts anywhere in contents at or after
// `from`. A torn write can never be followed by such a record (the writer syncs each record before
// starting the next), so finding one proves that the length field before it was damaged.
bool ValidRecordFollows(std::string_view contents, size_t from, uint64_t seq) {
  for (size_t pos = from; pos + kRecordHeaderSize <= contents.size(); ++pos) {
    const char* header = contents.data() + pos;
    if (DecodeFixed64(header + 8) != seq) continue;
    uint32_t length = DecodeFixed32(header);
    if (length > contents.size() - pos - kRecordHeaderSize) continue;
    std::string_view payload = contents.substr(pos + kRecordHeaderSize, length);
    if (DecodeFixed32(header + 4) == RecordChecksum(seq, payload)) return true;
  }
  return false;
}

}  // namespace

Result<SegmentReadResult> ReadSegment(std::string_view path, std::string_view contents,
                                      uint64_t first_seq, bool is_last_segment,
                                      const RecordCallback& on_record) {
  SegmentReadResult result;
  result.last_seq = first_seq - 1;

  // The header is written and synced before the file's directory entry and before any record, so
  // an incomplete header means nothing in the file was ever acknowledged.
  std::string header = EncodeSegmentHeader();
  bool header_short = contents.size() < kSegmentHeaderSize;
  if (header_short || AllZero(contents.substr(0, kSegmentHeaderSize))) {
    bool torn_shape = header_short ? (AllZero(contents) ||
                                      header.compare(0, contents.size(), contents) == 0)
                                   : AllZero(contents);
    if (is_last_segment && torn_shape) {
      result.torn = true;
      result.header_torn = true;
      result.torn_reason = header_short ? "segment header cut off by end of file"
                                        : "segment file is all zero bytes";
      return result;
    }
    if (header_short) return JournalCorruption(path, 0, "segment file is shorter than its header");
  }
  if (std::memcmp(contents.data(), kSegmentMagic, sizeof(kSegmentMagic)) != 0) {
    return JournalCorruption(path, 0, "bad segment magic");
  }
  uint32_t version = DecodeFixed32(contents.data() + sizeof(kSegmentMagic));
  if (version != kSegmentFormatVersion) {
    return JournalCorruption(path, sizeof(kSegmentMagic),
                             "unsupported segment format version " + std::to_string(version));
  }

  uint64_t offset = kSegmentHeaderSize;
  uint64_t expected_seq = first_seq;
  result.valid_bytes = offset;
  while (offset < contents.size()) {
    std::string_view rest = contents.substr(offset);
    if (is_last_segment && AllZero(rest)) {
      result.torn = true;
      result.torn_reason = std::to_string(rest.size()) + " trailing zero bytes";
      return result;
    }
    if (rest.size() < kRecordHeaderSize) {
      if (is_last_segment) {
        result.torn = true;
        result.torn_reason = "record header cut off by end of file";
        return result;
      }
      return JournalCorruption(path, offset,
                               "record header cut off by end of file in a segment that is not the "
                               "last one");
    }
    uint32_t length = DecodeFixed32(rest.data());
    uint32_t stored_crc = DecodeFixed32(rest.data() + 4);
    uint64_t seq = DecodeFixed64(rest.data() + 8);
    if (length > kMaxRecordPayload) {
      return JournalCorruption(path, offset,
                               "record length " + std::to_string(length) + " exceeds the maximum " +
                                   std::to_string(kMaxRecordPayload));
    }
    if (length > rest.size() - kRecordHeaderSize) {
      std::string cut = "record (seq " + std::to_string(seq) + ", length " +
                        std::to_string(length) + ") cut off by end of file after " +
                        std::to_string(rest.size() - kRecordHeaderSize) + " payload bytes";
      if (!is_last_segment) {
        return JournalCorruption(path, offset, cut + " in a segment that is not the last one");
      }
      // The header of a torn record was written by us in one piece, so its seq must be right.
      if (seq != expected_seq) {
        return JournalCorruption(path, offset,
                                 "record header at end of file has seq " + std::to_string(seq) +
                                     ", expected " + std::to_string(expected_seq));
      }
      if (ValidRecordFollows(contents, offset + kRecordHeaderSize, expected_seq + 1)) {
        return JournalCorruption(path, offset,
                                 "record length field is damaged (a valid record with seq " +
                                     std::to_string(expected_seq + 1) + " follows)");
      }
      result.torn = true;
      result.torn_reason = cut;
      return result;
    }
    std::string_view payload = rest.substr(kRecordHeaderSize, length);
    if (stored_crc != RecordChecksum(seq, payload)) {
      return JournalCorruption(path, offset,
                               "checksum mismatch in record expected to be seq " +
                                   std::to_string(expected_seq));
    }
    if (seq != expected_seq) {
      return JournalCorruption(path, offset,
                               "sequence gap: found seq " + std::to_string(seq) + ", expected " +
                                   std::to_string(expected_seq));
    }
    RETURN_IF_ERROR(on_record(seq, payload));
    offset += kRecordHeaderSize + length;
    result.valid_bytes = offset;
    result.last_seq = seq;
    ++result.record_count;
    ++expected_seq;
  }
  return result;
}

}  // namespace basalt::fe
