#include "engine/distribution.h"

#include <cstring>

#include "common/crc32c.h"
#include "engine/functions.h"

namespace basalt {
namespace {

uint32_t ExtendTagged(uint32_t crc, char tag, const void* data, size_t n) {
  crc = crc32c::Extend(crc, &tag, 1);
  return crc32c::Extend(crc, static_cast<const char*>(data), n);
}

void PutLittleEndian64(uint64_t v, unsigned char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
}

}  // namespace

std::vector<uint32_t> HashBuckets(const Chunk& chunk, const std::vector<size_t>& key_columns, uint32_t num_buckets) {
  std::vector<uint32_t> hashes(chunk.num_rows, 0);
  unsigned char bytes[8];
  for (size_t c : key_columns) {
    const Column& column = *chunk.columns[c];
    for (size_t row = 0; row < chunk.num_rows; ++row) {
      uint32_t& h = hashes[row];
      if (column.IsNull(row)) {
        h = ExtendTagged(h, 0, nullptr, 0);
        continue;
      }
      switch (column.physical()) {
        case PhysicalType::kInt64:
          PutLittleEndian64(static_cast<uint64_t>(column.GetInt(row)), bytes);
          h = ExtendTagged(h, 1, bytes, 8);
          break;
        case PhysicalType::kDouble: {
          double d = column.GetDouble(row);
          if (d == 0) d = 0;  // -0.0 and 0.0 are equal, so they must land together.
          uint64_t bits;
          std::memcpy(&bits, &d, 8);
          PutLittleEndian64(bits, bytes);
          h = ExtendTagged(h, 2, bytes, 8);
          break;
        }
        case PhysicalType::kString: {
          std::string_view s = column.GetString(row);
          h = ExtendTagged(h, 3, s.data(), s.size());
          uint32_t n = static_cast<uint32_t>(s.size());
          unsigned char len[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                                  static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
          h = crc32c::Extend(h, reinterpret_cast<const char*>(len), 4);
          break;
        }
      }
    }
  }
  for (uint32_t& h : hashes) h %= num_buckets;
  return hashes;
}

std::vector<int> RouteRangePartitions(const Chunk& chunk, const std::vector<size_t>& partition_columns,
                                      const std::vector<RangeUpperBound>& bounds) {
  std::vector<int> out(chunk.num_rows, -1);
  for (size_t row = 0; row < chunk.num_rows; ++row) {
    for (size_t b = 0; b < bounds.size(); ++b) {
      if (bounds[b].max_value) {
        out[row] = static_cast<int>(b);
        break;
      }
      int cmp = 0;
      for (size_t c = 0; c < bounds[b].values.size() && c < partition_columns.size() && cmp == 0; ++c) {
        cmp = CompareValues(chunk.columns[partition_columns[c]]->GetValue(row), bounds[b].values[c]);
      }
      if (cmp < 0) {
        out[row] = static_cast<int>(b);
        break;
      }
    }
  }
  return out;
}

}  // namespace basalt
