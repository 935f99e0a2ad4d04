// Damaged segments: every flipped byte, every truncation, random garbage, and mutations behind
// re-computed checksums (which reach the structural checks and the decoders) must yield
// Status::Corruption or a correct read, never a crash, a sanitizer report or a huge allocation.
#include <gtest/gtest.h>

#include "cn/storage/segment/segment_reader.h"
#include "cn/storage/segment/segment_test_util.h"
#include "common/crc32c.h"

namespace basalt::segment {
namespace {

using testing::MakeColumn;
using testing::SameValue;
using testing::Shape;

struct Fixture {
  SegmentSchema schema;
  Chunk data;
  std::string bytes;
};

// A small segment with every physical type, NULLs and several pages per column.
Fixture SmallSegment(Compression compression) {
  Fixture f;
  f.schema = {{"id", DataType::BigInt()},   {"ts", DataType::DateTime()}, {"d", DataType::Double()},
              {"c", DataType::Varchar()},   {"s", DataType::String()},    {"r", DataType::Int()}};
  const Shape shapes[] = {Shape::kSorted, Shape::kSorted, Shape::kExtremes, Shape::kLowCard, Shape::kRandom,
                          Shape::kRandom};
  f.data.num_rows = 200;
  for (size_t c = 0; c < f.schema.size(); ++c) {
    f.data.columns.push_back(MakeColumn(f.schema[c].type, 200, shapes[c], c % 2 ? 0.1 : 0.0, 17 + c));
  }
  SegmentWriterOptions options;
  options.compression = compression;
  options.max_page_rows = 64;
  f.bytes = testing::WriteSegment(f.schema, {f.data}, options);
  return f;
}

// Opens and reads everything (plus a pruned read); returns the first error.
Status ReadEverything(const std::string& bytes, const Fixture* expected_data) {
  ASSIGN_OR_RETURN(auto reader, SegmentReader::Open(bytes));
  ASSIGN_OR_RETURN(Chunk all, reader->ReadAll({}));
  ReadOptions pruned;
  pruned.predicates = {{"id", CompareOp::kGe, Value::Int(0)}, {"c", CompareOp::kIsNull, Value()}};
  ASSIGN_OR_RETURN(Chunk some, reader->ReadAll(pruned));
  (void)some;
  if (expected_data != nullptr) {
    // A read that succeeds must return exactly the data that was written.
    if (all.num_rows != expected_data->data.num_rows || all.columns.size() != expected_data->schema.size()) {
      return Status::Internal("successful read with wrong shape");
    }
    for (size_t c = 0; c < all.columns.size(); ++c) {
      for (size_t r = 0; r < all.num_rows; ++r) {
        if (!SameValue(*expected_data->data.columns[c], r, *all.columns[c], r)) {
          return Status::Internal("successful read with wrong value in column " + std::to_string(c));
        }
      }
    }
  }
  return Status::OK();
}

TEST(SegmentCorruptionTest, IntactSegmentReads) {
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    Fixture f = SmallSegment(c);
    EXPECT_TRUE(ReadEverything(f.bytes, &f).ok());
  }
}

TEST(SegmentCorruptionTest, EveryFlippedByte) {
  for (Compression c : {Compression::kNone, Compression::kLz4}) {
    Fixture f = SmallSegment(c);
    // Every byte of the LZ4 segment, every third byte of the uncompressed one; the flipped bit
    // cycles through all eight positions.
    const size_t step = c == Compression::kLz4 ? 1 : 3;
    for (size_t pos = 0; pos < f.bytes.size(); pos += step) {
      {
        const uint8_t mask = static_cast<uint8_t>(1u << (pos % 8));
        std::string damaged = f.bytes;
        damaged[pos] = static_cast<char>(static_cast<uint8_t>(damaged[pos]) ^ mask);
        Status st = ReadEverything(damaged, &f);
        // Every byte is covered by a magic, a checksum or an exact check.
        ASSERT_FALSE(st.ok()) << "flip at " << pos;
        ASSERT_EQ(st.code(), StatusCode::kCorruption) << "flip at " << pos << ": " << st;
      }
    }
  }
}

TEST(SegmentCorruptionTest, EveryTruncationAndExtension) {
  Fixture f = SmallSegment(Compression::kLz4);
  for (size_t len = 0; len < f.bytes.size(); ++len) {
    Status st = ReadEverything(f.bytes.substr(0, len), &f);
    ASSERT_EQ(st.code(), StatusCode::kCorruption) << "length " << len << ": " << st;
  }
  // Bytes prepended or appended also fail (the tail and offsets are exact).
  Status st = ReadEverything(f.bytes + "x", &f);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st;
  st = ReadEverything("x" + f.bytes, &f);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st;
}

TEST(SegmentCorruptionTest, RandomGarbage) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string garbage(rng() % 200, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    if (trial % 2 == 0 && garbage.size() >= 16) {  // Plausible magics so the footer path runs.
      std::memcpy(garbage.data(), kSegmentMagic, 8);
      std::memcpy(garbage.data() + garbage.size() - 8, kSegmentMagic, 8);
    }
    Status st = ReadEverything(garbage, nullptr);
    ASSERT_EQ(st.code(), StatusCode::kCorruption) << st;
  }
}

// A byte range that may be mutated and the masked CRC that covers it: the CRC at `crc_at` is over
// [begin, end) except, for pages, the CRC field itself (header bytes 0..19 + body).
struct Region {
  enum Kind { kPage, kIndex, kFooter } kind;
  size_t begin, end, crc_at;
};

void RecomputeCrc(const Region& r, std::string* m) {
  uint32_t crc = 0;
  switch (r.kind) {
    case Region::kPage:
      crc = crc32c::Extend(crc32c::Value(m->data() + r.begin, 20), m->data() + r.begin + 24, r.end - r.begin - 24);
      break;
    case Region::kIndex:
    case Region::kFooter:
      crc = crc32c::Value(m->data() + r.begin, r.end - r.begin);
      break;
  }
  crc = crc32c::Mask(crc);
  std::memcpy(m->data() + r.crc_at, &crc, 4);
}

TEST(SegmentCorruptionTest, MutationsBehindValidChecksums) {
  for (Compression c : {Compression::kNone, Compression::kLz4}) {
    Fixture f = SmallSegment(c);
    auto reader = SegmentReader::Open(f.bytes);
    ASSERT_TRUE(reader.ok());
    std::vector<Region> regions;
    size_t index_start = kHeaderSize;
    for (size_t col = 0; col < f.schema.size(); ++col) {
      auto pages = (*reader)->ColumnPages(col);
      ASSERT_TRUE(pages.ok());
      for (const PageInfo& p : **pages) {
        regions.push_back({Region::kPage, p.offset, p.offset + p.size, p.offset + 20});
        index_start = std::max<size_t>(index_start, p.offset + p.size);
      }
    }
    // Index blocks follow the pages back to back: u32 count, entries, u32 CRC.
    for (size_t col = 0; col < f.schema.size(); ++col) {
      size_t len = 4;
      for (const PageInfo& p : **(*reader)->ColumnPages(col)) {
        std::string zm;
        AppendZoneMap(p.zone, f.schema[col].type.physical(), &zm);
        len += 16 + zm.size();
      }
      regions.push_back({Region::kIndex, index_start, index_start + len, index_start + len});
      index_start += len + 4;
    }
    const uint32_t footer_len = LoadU32(f.bytes.data() + f.bytes.size() - kTailSize);
    ASSERT_EQ(index_start + footer_len + kTailSize, f.bytes.size());
    regions.push_back({Region::kFooter, index_start, index_start + footer_len, f.bytes.size() - kTailSize + 4});

    std::mt19937_64 rng(21);
    int corrupt = 0, fine = 0;
    for (const Region& r : regions) {
      for (int trial = 0; trial < 60; ++trial) {
        const size_t pos = r.begin + rng() % (r.end - r.begin);
        if (r.kind == Region::kPage && pos >= r.begin + 20 && pos < r.begin + 24) continue;  // the CRC
        std::string m = f.bytes;
        switch (rng() % 3) {
          case 0: m[pos] = static_cast<char>(static_cast<uint8_t>(m[pos]) ^ (1u << (rng() % 8))); break;
          case 1: m[pos] = static_cast<char>(rng()); break;
          default: m[pos] = static_cast<char>(rng() % 2 ? 0 : 0xFF); break;
        }
        RecomputeCrc(r, &m);
        // Behind a valid checksum a changed value may legitimately read back changed.
        Status st = ReadEverything(m, nullptr);
        if (st.ok()) {
          ++fine;
        } else {
          ++corrupt;
          ASSERT_EQ(st.code(), StatusCode::kCorruption) << "pos " << pos << ": " << st;
        }
      }
    }
    // Changed values behind a valid checksum may read fine; structural damage must be caught.
    EXPECT_GT(corrupt, 100) << CompressionName(c);
    EXPECT_GT(fine, 0) << CompressionName(c);
  }
}

TEST(SegmentCorruptionTest, CorruptionNamesTheColumnAndPage) {
  Fixture f = SmallSegment(Compression::kNone);
  auto reader = SegmentReader::Open(f.bytes);
  ASSERT_TRUE(reader.ok());
  auto pages = (*reader)->ColumnPages(3);
  ASSERT_TRUE(pages.ok());
  const PageInfo& p = (**pages)[1];
  std::string m = f.bytes;
  m[p.offset + 30] ^= 0x10;
  Status st = ReadEverything(m, nullptr);
  ASSERT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("column c page 1"), std::string::npos) << st;
  EXPECT_NE(st.message().find("offset " + std::to_string(p.offset + 20)), std::string::npos) << st;
}

}  // namespace
}  // namespace basalt::segment
