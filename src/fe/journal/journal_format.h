// On-disk format of the FE journal. Mirrored in docs/formats/journal.md; change both together and
// bump the version constants for any incompatible change.
//
// DIRECTORY
//   journal.<first seq, 20 decimal digits>   segment files, e.g. journal.00000000000000000001
//   image.<last seq, 20 decimal digits>      checkpoint images
//   image.<...>.tmp                          leftover of an interrupted image write; deleted
// Sequence numbers start at 1 and are dense: the records of all segments, in file-name order, are
// seq 1, 2, 3, ... A segment's name is the seq of its first record (or of the record it will get
// first, while it is empty). Segments entirely covered by the newest image may have been deleted.
// Other file names in the directory are ignored.
//
// SEGMENT FILE
//   offset 0   8 bytes  magic "BSLTJRNL"
//   offset 8   u32 LE   format version (kSegmentFormatVersion)
//   offset 12  records, back to back, no padding:
//     +0   u32 LE   payload length n (at most kMaxRecordPayload)
//     +4   u32 LE   masked CRC32C of (seq as u64 LE || payload); mask = rotr(crc, 15) + 0xa282ead8
//     +8   u64 LE   sequence number
//     +16  n bytes  payload (opaque to the journal; the catalog layer's serialized entry)
//   Within a segment the seqs are first, first+1, ...; the next segment is named last+1.
//
// IMAGE FILE (written whole via temp file + fsync + rename + directory fsync)
//   offset 0   8 bytes  magic "BSLTIMAG"
//   offset 8   u32 LE   format version (kImageFormatVersion)
//   offset 12  u64 LE   last seq included in the image (equals the seq in the file name)
//   offset 20  u64 LE   payload length n
//   offset 28  u32 LE   masked CRC32C of bytes [0, 28) followed by the payload
//   offset 32  n bytes  payload (opaque); the file is exactly 32 + n bytes long
//
// VALIDITY AND RECOVERY
//   A record is acknowledged only after it was appended and fdatasync'ed, and the writer never
//   starts a record before the previous one is durable. So at most the final record of the final
//   segment can be incomplete after a crash, and nothing valid can follow it. Recovery therefore:
//   - Treats as a torn tail, in the LAST segment only: a record header cut by end of file, a
//     payload whose length runs past end of file (provided no valid record with the next seq
//     follows, which would prove the length field damaged), trailing zero bytes, or a file too
//     short for (or all zeros in) its 12-byte header. The tail is logged and truncated away (a
//     segment with a torn header is removed), and appends continue after the last good record.
//   - Treats as corruption, and refuses to start: a bad magic or version, a complete record whose
//     CRC does not match, a seq out of order or a gap between segments, a length above
//     kMaxRecordPayload, and anything incomplete in a segment that is not the last.
//   - Uses the newest image whose CRC is valid and whose successor records are all present;
//     falls back to an older image only if the segments still cover the gap, otherwise fails.
//   Limitation: the CRC does not cover the length field, so a damaged length in the very last
//   record of the last segment that points past end of file is indistinguishable from a torn
//   write of that record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt::fe {

inline constexpr char kSegmentMagic[8] = {'B', 'S', 'L', 'T', 'J', 'R', 'N', 'L'};
inline constexpr uint32_t kSegmentFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 12;

inline constexpr size_t kRecordHeaderSize = 16;
// Far above any catalog edit; large state belongs in an image. Bounds what a damaged length
// field can make the reader believe.
inline constexpr uint32_t kMaxRecordPayload = 256u << 20;

inline constexpr char kImageMagic[8] = {'B', 'S', 'L', 'T', 'I', 'M', 'A', 'G'};
inline constexpr uint32_t kImageFormatVersion = 1;
inline constexpr size_t kImageHeaderSize = 32;

inline constexpr std::string_view kSegmentFilePrefix = "journal.";
inline constexpr std::string_view kImageFilePrefix = "image.";
inline constexpr size_t kSeqDigits = 20;  // Enough for any uint64_t.

// Little-endian fixed-width integers, independent of the host byte order.
void PutFixed32(std::string* dst, uint32_t value);
void PutFixed64(std::string* dst, uint64_t value);
uint32_t DecodeFixed32(const char* p);
uint64_t DecodeFixed64(const char* p);

std::string SegmentFileName(uint64_t first_seq);
std::string ImageFileName(uint64_t last_seq);
// The seq of a name "<prefix><exactly kSeqDigits digits>", or nullopt for any other name.
std::optional<uint64_t> ParseSeqFileName(std::string_view name, std::string_view prefix);

// The 12-byte segment header.
std::string EncodeSegmentHeader();
// The masked CRC stored in a record header.
uint32_t RecordChecksum(uint64_t seq, std::string_view payload);
// Appends one complete record (header and payload) to dst.
void AppendRecord(std::string* dst, uint64_t seq, std::string_view payload);

// The 32-byte image header for a payload; the file is this followed by the payload.
std::string EncodeImageHeader(uint64_t last_seq, std::string_view payload);
// Validates a whole image file. On success sets *last_seq and points *payload into contents.
// expected_seq is the seq from the file name; a mismatch is corruption. Errors are Corruption
// naming path and byte offset.
Status DecodeImage(const std::string& path, std::string_view contents, uint64_t expected_seq,
                   uint64_t* last_seq, std::string_view* payload);

// The Corruption status every journal validation failure uses, so operators always get the file,
// the offset and what to do.
Status JournalCorruption(std::string_view path, uint64_t offset, std::string_view what);

}  // namespace basalt::fe
