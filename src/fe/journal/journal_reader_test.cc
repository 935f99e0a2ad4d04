#include "fe/journal/journal_reader.h"

#include <gtest/gtest.h>

#include <vector>

#include "fe/journal/journal_format.h"

namespace basalt::fe {
namespace {

constexpr std::string_view kPath = "meta/journal.00000000000000000005";

struct Segment {
  std::string bytes = EncodeSegmentHeader();
  std::vector<uint64_t> offsets;  // Where each record starts.

  void Add(uint64_t seq, std::string_view payload) {
    offsets.push_back(bytes.size());
    AppendRecord(&bytes, seq, payload);
  }
};

Segment MakeSegment(uint64_t first_seq, int count) {
  Segment segment;
  for (int i = 0; i < count; ++i) {
    uint64_t seq = first_seq + i;
    segment.Add(seq, "payload-" + std::to_string(seq) + std::string(i % 5, '#'));
  }
  return segment;
}

struct Collected {
  std::vector<uint64_t> seqs;
  std::vector<std::string> payloads;
  RecordCallback Callback() {
    return [this](uint64_t seq, std::string_view payload) {
      seqs.push_back(seq);
      payloads.emplace_back(payload);
      return Status::OK();
    };
  }
};

std::string FlipBit(std::string bytes, size_t bit) {
  bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
  return bytes;
}

void ExpectCorruptionAt(const Result<SegmentReadResult>& result, uint64_t offset) {
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsCorruption()) << result.status();
  EXPECT_NE(result.status().message().find(std::string(kPath)), std::string::npos)
      << result.status();
  EXPECT_NE(result.status().message().find("byte offset " + std::to_string(offset) + ")"),
            std::string::npos)
      << result.status();
}

TEST(JournalReaderTest, ReadsAllRecords) {
  Segment segment = MakeSegment(5, 10);
  for (bool is_last : {true, false}) {
    Collected collected;
    auto result = ReadSegment(kPath, segment.bytes, 5, is_last, collected.Callback());
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->record_count, 10u);
    EXPECT_EQ(result->last_seq, 14u);
    EXPECT_EQ(result->valid_bytes, segment.bytes.size());
    EXPECT_FALSE(result->torn);
    ASSERT_EQ(collected.seqs.size(), 10u);
    EXPECT_EQ(collected.seqs.front(), 5u);
    EXPECT_EQ(collected.payloads[3], "payload-8###");
  }
}

TEST(JournalReaderTest, EmptySegmentAndEmptyPayload) {
  Segment segment;
  Collected collected;
  auto result = ReadSegment(kPath, segment.bytes, 5, false, collected.Callback());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->record_count, 0u);
  EXPECT_EQ(result->last_seq, 4u);

  segment.Add(5, "");
  result = ReadSegment(kPath, segment.bytes, 5, false, collected.Callback());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(collected.payloads, std::vector<std::string>{""});
}

TEST(JournalReaderTest, TornTailAtEveryOffsetOfTheLastRecord) {
  Segment segment = MakeSegment(5, 4);
  uint64_t last_start = segment.offsets.back();
  for (uint64_t cut = last_start; cut < segment.bytes.size(); ++cut) {
    Collected collected;
    auto result =
        ReadSegment(kPath, std::string_view(segment.bytes).substr(0, cut), 5, true,
                    collected.Callback());
    ASSERT_TRUE(result.ok()) << "cut " << cut << ": " << result.status();
    EXPECT_EQ(result->torn, cut != last_start) << cut;
    EXPECT_EQ(result->valid_bytes, last_start);
    EXPECT_EQ(result->last_seq, 7u);
    EXPECT_EQ(collected.seqs.size(), 3u);

    // The same cut in a segment that is not the last one is corruption at the record's offset.
    auto not_last = ReadSegment(kPath, std::string_view(segment.bytes).substr(0, cut), 5, false,
                                collected.Callback());
    if (cut == last_start) {
      EXPECT_TRUE(not_last.ok());
    } else {
      ExpectCorruptionAt(not_last, last_start);
    }
  }
}

TEST(JournalReaderTest, ZeroTailIsTornOnlyInLastSegment) {
  Segment segment = MakeSegment(5, 3);
  for (size_t zeros : {1, 15, 16, 17, 4096}) {
    std::string bytes = segment.bytes + std::string(zeros, '\0');
    auto result = ReadSegment(kPath, bytes, 5, true, Collected().Callback());
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->torn);
    EXPECT_EQ(result->valid_bytes, segment.bytes.size());
    EXPECT_EQ(result->record_count, 3u);
    EXPECT_FALSE(ReadSegment(kPath, bytes, 5, false, Collected().Callback()).ok());
  }
}

TEST(JournalReaderTest, TornOrZeroHeader) {
  std::string header = EncodeSegmentHeader();
  for (size_t len = 0; len < header.size(); ++len) {
    auto result = ReadSegment(kPath, header.substr(0, len), 5, true, Collected().Callback());
    ASSERT_TRUE(result.ok()) << len << ": " << result.status();
    EXPECT_TRUE(result->header_torn);
    EXPECT_EQ(result->valid_bytes, 0u);
    ExpectCorruptionAt(ReadSegment(kPath, header.substr(0, len), 5, false, Collected().Callback()),
                       0);
  }
  auto zeros = ReadSegment(kPath, std::string(100, '\0'), 5, true, Collected().Callback());
  ASSERT_TRUE(zeros.ok());
  EXPECT_TRUE(zeros->header_torn);
  // A zero header followed by real bytes means synced data was lost: corruption.
  std::string mixed = std::string(kSegmentHeaderSize, '\0') + MakeSegment(5, 1).bytes;
  ExpectCorruptionAt(ReadSegment(kPath, mixed, 5, true, Collected().Callback()), 0);
  ExpectCorruptionAt(ReadSegment(kPath, "BSLTXXXX", 5, true, Collected().Callback()), 0);
}

TEST(JournalReaderTest, BadMagicAndVersion) {
  Segment segment = MakeSegment(5, 2);
  std::string bad_magic = segment.bytes;
  bad_magic[0] = 'X';
  ExpectCorruptionAt(ReadSegment(kPath, bad_magic, 5, true, Collected().Callback()), 0);
  std::string bad_version = segment.bytes;
  bad_version[8] = 2;
  ExpectCorruptionAt(ReadSegment(kPath, bad_version, 5, true, Collected().Callback()), 8);
}

TEST(JournalReaderTest, EveryBitFlipInAMiddleRecordIsCorruptionAtItsOffset) {
  Segment segment = MakeSegment(5, 5);
  uint64_t start = segment.offsets[2];
  uint64_t end = segment.offsets[3];
  for (bool is_last : {true, false}) {
    for (uint64_t bit = start * 8; bit < end * 8; ++bit) {
      Collected collected;
      auto result =
          ReadSegment(kPath, FlipBit(segment.bytes, bit), 5, is_last, collected.Callback());
      SCOPED_TRACE("bit " + std::to_string(bit));
      ExpectCorruptionAt(result, start);
      EXPECT_EQ(collected.seqs, (std::vector<uint64_t>{5, 6}));
    }
  }
}

TEST(JournalReaderTest, DamagedLengthPointingPastEndIsNotMistakenForTornTail) {
  Segment segment = MakeSegment(5, 3);
  std::string bytes = segment.bytes;
  uint64_t start = segment.offsets[1];
  // Make record 6 claim a length that runs past end of file; record 7 is still intact after it.
  uint32_t huge = static_cast<uint32_t>(bytes.size());
  std::string encoded;
  PutFixed32(&encoded, huge);
  bytes.replace(start, 4, encoded);
  ExpectCorruptionAt(ReadSegment(kPath, bytes, 5, true, Collected().Callback()), start);
}

TEST(JournalReaderTest, SequenceErrors) {
  // Right seqs, wrong first seq from the file name.
  Segment segment = MakeSegment(5, 3);
  ExpectCorruptionAt(ReadSegment(kPath, segment.bytes, 4, true, Collected().Callback()),
                     kSegmentHeaderSize);
  // A gap inside the segment.
  Segment gap;
  gap.Add(5, "a");
  gap.Add(7, "b");
  ExpectCorruptionAt(ReadSegment(kPath, gap.bytes, 5, true, Collected().Callback()),
                     gap.offsets[1]);
  // A torn final record whose header carries the wrong seq is not a torn write of ours.
  Segment wrong_torn;
  wrong_torn.Add(5, "a");
  wrong_torn.Add(9, "long payload");
  std::string cut = wrong_torn.bytes.substr(0, wrong_torn.bytes.size() - 3);
  ExpectCorruptionAt(ReadSegment(kPath, cut, 5, true, Collected().Callback()),
                     wrong_torn.offsets[1]);
}

TEST(JournalReaderTest, OversizedLengthIsCorruption) {
  Segment segment = MakeSegment(5, 1);
  std::string bytes = segment.bytes;
  std::string encoded;
  PutFixed32(&encoded, kMaxRecordPayload + 1);
  bytes.replace(kSegmentHeaderSize, 4, encoded);
  ExpectCorruptionAt(ReadSegment(kPath, bytes, 5, true, Collected().Callback()),
                     kSegmentHeaderSize);
}

TEST(JournalReaderTest, CallbackErrorStopsReading) {
  Segment segment = MakeSegment(5, 5);
  int calls = 0;
  auto result = ReadSegment(kPath, segment.bytes, 5, true, [&](uint64_t seq, std::string_view) {
    ++calls;
    return seq == 7 ? Status::InvalidArgument("bad entry") : Status::OK();
  });
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace basalt::fe
