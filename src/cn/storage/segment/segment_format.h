// Segment object format, version 1. A segment is one immutable object in the object store holding
// N rows of a fixed schema, stored column by column. docs/formats/segment.md mirrors this comment;
// the two change together, and any change to the bytes bumps kSegmentVersion.
//
// All integers are little-endian. "CRC" is CRC32C stored masked (common/crc32c.h, Mask()).
// A reader starts at the tail, so a segment can be opened with three ranged reads
// (tail, footer, then the column indexes it needs) before reading any page.
//
// Object layout
// -------------
//   offset 0      header, 16 bytes:
//                   +0  8  magic "BSLTSEGM"
//                   +8  4  format version (1)
//                   +12 4  flags, must be 0
//   16            column data: column 0's pages back to back, then column 1's, ... (schema order)
//   ...           column indexes: one index block per column, in schema order, back to back
//   ...           footer body
//   size - 16     tail, 16 bytes:
//                   +0  4  footer body length F
//                   +4  4  masked CRC of the footer body
//                   +8  8  magic "BSLTSEGM"
//
// Every region is exactly adjacent to the next: column c's data starts where column c-1's data
// ends (column 0 at 16), index c starts where index c-1 ends (index 0 right after the last
// column's data), the footer starts right after the last index and ends at size - 16.
//
// Footer body
// -----------
//   u32 version (equal to the header's)
//   u64 row count R
//   u32 column count C (1..kMaxColumns)
//   C times:
//     u16 name length, name bytes (1..kMaxColumnNameLength, unique in the segment)
//     u8  TypeId, i32 length, i16 precision, i16 scale   (engine/types.h DataType)
//     u64 data offset, u64 data length                     (the column's pages)
//     u64 index offset, u32 index length                   (the column's index block)
//     zone map of the whole column (see below)
//
// Column index block
// ------------------
//   u32 page count P (0 when R == 0, else 1..R)
//   P times:
//     u64 page offset (absolute), u32 page size (header + stored bytes), u32 row count
//     zone map of the page
//   u32 masked CRC of all the bytes above
// Page 0 starts at the column's data offset, page i+1 where page i ends, and the sizes add up to
// the data length. The row counts add up to R; page i holds rows [sum of row counts before i,
// + row count). Columns cut pages independently (a string column has more, smaller pages than an
// integer column), so page boundaries differ between columns.
//
// Zone map (min/max over non-null values, for pruning; never used to answer queries)
// --------
//   u64 null count
//   u8  flags: bit 0 has min/max (some non-null value that is not NaN)
//              bit 1 has NaN (DOUBLE only)
//              bit 2 max unbounded (strings only: no upper bound could be stored)
//              other bits 0
//   if bit 0:  INT64: i64 min, i64 max.  DOUBLE: f64 min, f64 max (neither NaN, min <= max;
//              -0.0 and 0.0 compare equal).  STRING: u16 n + n bytes min, u16 n + n bytes max
//              (each n <= kZoneMapMaxString; if bit 2 is set the max is stored empty).
//   String bounds may be truncated: min is a prefix of the true minimum (so <= it) and max is
//   >= the true maximum (a prefix with its last non-0xFF byte incremented). Strings compare as
//   unsigned bytes.
//
// Page
// ----
//   +0  u8  encoding (Encoding, below; must be valid for the column's physical type)
//   +1  u8  compression: 0 none, 1 LZ4 (block format), 2 ZSTD (one frame)
//   +2  u8  flags: bit 0 null bitmap present (set iff null count > 0); other bits 0
//   +3  u8  reserved, 0
//   +4  u32 row count (1..kMaxPageRows), equal to the index entry's
//   +8  u32 null count (<= row count), equal to the page zone map's
//   +12 u32 body size B (uncompressed, <= kMaxPageBodyBytes)
//   +16 u32 stored size S (bytes after this header; S == B when uncompressed; header + S equals
//           the index entry's page size)
//   +20 u32 masked CRC of header bytes [0, 20) followed by the S stored bytes
//   +24 S stored bytes: the body, compressed as stated. Decompression must yield exactly B bytes.
//   Body: [null bitmap, ceil(rows / 8) bytes, bit r (LSB first) set iff row r is NULL, padding
//          bits 0; present iff flag bit 0] [the (rows - nulls) non-null values, encoded]
//   The encoded values must consume the rest of the body exactly.
//
// Value encodings (n = number of non-null values in the page; "packed" = n fixed-width unsigned
// integers of w bits, LSB first, ceil(n * w / 8) bytes; unused high bits of the last byte are
// written as 0 and ignored by readers). With n = 0 every encoding is zero bytes.
//   0 PLAIN    INT64: n x i64.  DOUBLE: n x f64 (IEEE-754 bits).
//              STRING: FOR block of the n lengths, then the concatenated bytes.
//   1 BITPACK  INT64 only, frame of reference: i64 base, u8 w (0..64), packed (v - base).
//              The "FOR block" above is this encoding applied to a list of lengths.
//   2 RLE      INT64 only: runs until n values: varint run length (>= 1), zigzag varint value.
//   3 DELTA    INT64 only, n >= 1: i64 first, i64 min delta, u8 w, packed (n - 1) x
//              (delta - min delta); v[i] = v[i-1] + min delta + packed[i-1]. All arithmetic wraps
//              modulo 2^64, so any int64 sequence round-trips.
//   4 DICT     u32 k (1..n), then the k dictionary entries (INT64: k x i64; DOUBLE: k x f64;
//              STRING: FOR block of k lengths, then the bytes), u8 w (0..32), packed n codes < k.
// Varints are LEB128 (at most 10 bytes); zigzag maps v to (v << 1) ^ (v >> 63).
//
// Limits: kMaxPageRows rows and kMaxPageBodyBytes bytes per page body; kMaxPageValueBytes of
// decoded string bytes per page (a dictionary may not expand past it). The writer never exceeds
// them (a single value larger than kMaxPageValueBytes is refused with InvalidArgument), and a
// reader enforces them before allocating, so memory per open segment is bounded by the object
// size plus one decoded page per read column.
//
// Validity and what a reader does
// -------------------------------
// A reader returns Status::Corruption naming the region (tail, footer, column name, page number,
// object offset) for any of: object shorter than header + tail; bad magic in header or tail;
// unknown version or non-zero flags/reserved bits; footer length beyond the object; footer,
// index or page CRC mismatch; any count, length or offset outside the object or outside the
// region that must contain it; regions that are not exactly adjacent as described; unknown
// TypeId, encoding or compression; an encoding not valid for the physical type; duplicate
// column names; page row counts that do not add up to the row count; null counts that disagree
// between page header, bitmap and zone map; decompression that fails or yields a different size;
// encoded values that are short, overrun, or leave bytes unread; dictionary codes >= k; RLE runs
// overrunning n. It never crashes, never reads outside what the source returned, and never
// allocates more than the limits above allow. Nothing is repaired: segments are immutable and
// written once, so a corrupt segment is reported and the caller decides (re-fetch from the
// store when the cache copy was damaged; the object itself is never rewritten in place).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/types.h"

namespace basalt::segment {

static_assert(std::endian::native == std::endian::little, "the segment format assumes little-endian");

inline constexpr char kSegmentMagic[8] = {'B', 'S', 'L', 'T', 'S', 'E', 'G', 'M'};
inline constexpr uint32_t kSegmentVersion = 1;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kTailSize = 16;
inline constexpr size_t kPageHeaderSize = 24;

inline constexpr uint32_t kMaxColumns = 10000;
inline constexpr size_t kMaxColumnNameLength = 1024;
inline constexpr uint32_t kMaxPageRows = 65536;
inline constexpr uint32_t kMaxPageBodyBytes = 64u << 20;
inline constexpr uint64_t kMaxPageValueBytes = 64u << 20;
inline constexpr size_t kZoneMapMaxString = 64;

enum class Encoding : uint8_t { kPlain = 0, kBitPack = 1, kRle = 2, kDelta = 3, kDict = 4 };
inline constexpr uint8_t kMaxEncoding = 4;
enum class Compression : uint8_t { kNone = 0, kLz4 = 1, kZstd = 2 };
inline constexpr uint8_t kMaxCompression = 2;

std::string_view EncodingName(Encoding e);
std::string_view CompressionName(Compression c);
// Whether `e` may be used for values of physical type `t`.
bool EncodingValidFor(Encoding e, PhysicalType t);

// Page header flag bits.
inline constexpr uint8_t kPageFlagHasNulls = 0x01;
// Zone map flag bits.
inline constexpr uint8_t kZoneHasMinMax = 0x01;
inline constexpr uint8_t kZoneHasNaN = 0x02;
inline constexpr uint8_t kZoneMaxUnbounded = 0x04;

// Min/max/null count of a page or a whole column. Only the member matching the column's physical
// type is meaningful.
struct ZoneMap {
  uint64_t null_count = 0;
  bool has_min_max = false;
  bool has_nan = false;
  bool max_unbounded = false;
  int64_t min_int = 0, max_int = 0;
  double min_double = 0, max_double = 0;
  std::string min_string, max_string;

  // Folds one non-null value in (strings: pass the full value; bounds are truncated on Finish).
  void AddInt(int64_t v);
  void AddDouble(double v);
  void AddString(std::string_view v);
  // Folds another zone map of the same physical type in.
  void Merge(const ZoneMap& other, PhysicalType type);
  // Truncates string bounds to kZoneMapMaxString bytes keeping them valid bounds.
  void FinishStrings();
  bool operator==(const ZoneMap&) const = default;
};

void AppendZoneMap(const ZoneMap& zm, PhysicalType type, std::string* out);

// Little-endian fixed-width helpers.
inline void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
inline void PutU16(std::string* out, uint16_t v) { out->append(reinterpret_cast<const char*>(&v), 2); }
inline void PutU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
inline void PutU64(std::string* out, uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }
inline void PutI64(std::string* out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }
inline void PutF64(std::string* out, double v) { PutU64(out, std::bit_cast<uint64_t>(v)); }
inline uint32_t LoadU32(const char* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t LoadU64(const char* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

// A bounds-checked cursor over bytes that came from storage. Every getter fails (returns false)
// instead of reading past the end; callers turn that into Corruption with their own context.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool GetU8(uint8_t* v);
  bool GetU16(uint16_t* v);
  bool GetU32(uint32_t* v);
  bool GetU64(uint64_t* v);
  bool GetI64(int64_t* v);
  bool GetF64(double* v);
  bool GetVarint(uint64_t* v);
  bool GetBytes(size_t n, std::string_view* v);

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Parses a zone map written by AppendZoneMap; false on any malformation.
bool ReadZoneMap(ByteReader* in, PhysicalType type, ZoneMap* zm);

}  // namespace basalt::segment
