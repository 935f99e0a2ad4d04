// Value encodings of segment pages (byte layouts in segment_format.h, "Value encodings").
//
// Each physical type has an encoder per encoding, a decoder, and an *Auto encoder that picks the
// smallest encoding for the given values and writes it. The choice is computed, not guessed:
// one pass over the values gathers min/max, run count, delta range and (until it stops paying)
// the distinct values, from which the exact encoded size of every candidate follows. Nothing is
// encoded twice. Compression is applied afterwards by the page writer and is not considered here.
//
// Encoders append to `out` and cannot fail (callers pass at most kMaxPageRows values).
// Decoders read exactly one encoded block from `in`, write `n` values to `out` (which must have
// room for n) and return Corruption (with what was wrong, without location; callers add it) when
// the bytes are short, inconsistent or out of range. They never read outside `in` and never
// allocate more than O(n + bytes in `in`). String decoders return views into `in`'s buffer.
//
// Thread-safety: all functions are pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cn/storage/segment/segment_format.h"
#include "common/status.h"

namespace basalt::segment {

// ---- building blocks (exposed for tests) ----

// Bits needed to represent `range` (0 for 0, 64 for values >= 2^63).
int BitWidth(uint64_t range);
// Bytes used by n packed values of `width` bits.
inline size_t PackedBytes(size_t n, int width) { return (n * static_cast<size_t>(width) + 7) / 8; }
// Appends n values of `width` bits (each must fit) LSB first.
void PackBits(const uint64_t* values, size_t n, int width, std::string* out);
// Reads n values of `width` bits from exactly PackedBytes(n, width) bytes at `in`.
void UnpackBits(const char* in, size_t n, int width, uint64_t* out);

void PutVarint(std::string* out, uint64_t v);
inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// ---- INT64 ----
void EncodeInt64(Encoding encoding, std::span<const int64_t> values, std::string* out);
Encoding EncodeInt64Auto(std::span<const int64_t> values, std::string* out);
Status DecodeInt64(Encoding encoding, ByteReader* in, size_t n, int64_t* out);

// ---- DOUBLE ---- (PLAIN or DICT; values are compared by bit pattern, so NaN payloads and -0.0
// survive exactly)
void EncodeDouble(Encoding encoding, std::span<const double> values, std::string* out);
Encoding EncodeDoubleAuto(std::span<const double> values, std::string* out);
Status DecodeDouble(Encoding encoding, ByteReader* in, size_t n, double* out);

// ---- STRING ---- (PLAIN or DICT)
void EncodeString(Encoding encoding, std::span<const std::string_view> values, std::string* out);
// The smallest and largest of a set of strings (bytewise), as views into the values.
struct StringRange {
  std::string_view min, max;
};
// With `range`, also reports the values' range (cheaper here than in a second pass: it is taken
// from the dictionary's distinct keys while the values repeat).
Encoding EncodeStringAuto(std::span<const std::string_view> values, std::string* out, StringRange* range = nullptr);
// Fails if the decoded strings would add up to more than `max_total_bytes`.
Status DecodeString(Encoding encoding, ByteReader* in, size_t n, uint64_t max_total_bytes,
                    std::string_view* out);

}  // namespace basalt::segment
