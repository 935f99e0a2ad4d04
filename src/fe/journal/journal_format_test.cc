#include "fe/journal/journal_format.h"

#include <gtest/gtest.h>

#include "common/crc32c.h"

namespace basalt::fe {
namespace {

TEST(JournalFormatTest, FixedIntegersAreLittleEndian) {
  std::string buf;
  PutFixed32(&buf, 0x04030201u);
  PutFixed64(&buf, 0x0c0b0a0908070605ull);
  ASSERT_EQ(buf.size(), 12u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(buf[i], static_cast<char>(i + 1));
  EXPECT_EQ(DecodeFixed32(buf.data()), 0x04030201u);
  EXPECT_EQ(DecodeFixed64(buf.data() + 4), 0x0c0b0a0908070605ull);
  std::string high;
  PutFixed64(&high, UINT64_MAX);
  EXPECT_EQ(DecodeFixed64(high.data()), UINT64_MAX);
}

TEST(JournalFormatTest, FileNames) {
  EXPECT_EQ(SegmentFileName(1), "journal.00000000000000000001");
  EXPECT_EQ(ImageFileName(18446744073709551615ull), "image.18446744073709551615");
  EXPECT_EQ(ParseSeqFileName("journal.00000000000000000042", kSegmentFilePrefix), 42u);
  EXPECT_EQ(ParseSeqFileName(ImageFileName(UINT64_MAX), kImageFilePrefix), UINT64_MAX);
  EXPECT_EQ(ParseSeqFileName("journal.42", kSegmentFilePrefix), std::nullopt);
  EXPECT_EQ(ParseSeqFileName("journal.0000000000000000004x", kSegmentFilePrefix), std::nullopt);
  EXPECT_EQ(ParseSeqFileName("journal.99999999999999999999", kSegmentFilePrefix), std::nullopt);
  EXPECT_EQ(ParseSeqFileName("image.00000000000000000001.tmp", kImageFilePrefix), std::nullopt);
  EXPECT_EQ(ParseSeqFileName("image.00000000000000000001", kSegmentFilePrefix), std::nullopt);
}

TEST(JournalFormatTest, RecordLayout) {
  std::string record;
  AppendRecord(&record, 7, "abc");
  ASSERT_EQ(record.size(), kRecordHeaderSize + 3);
  EXPECT_EQ(DecodeFixed32(record.data()), 3u);
  EXPECT_EQ(DecodeFixed64(record.data() + 8), 7u);
  EXPECT_EQ(record.substr(16), "abc");
  // The stored checksum is the masked CRC32C of the 8 seq bytes followed by the payload.
  std::string covered = record.substr(8, 8) + "abc";
  EXPECT_EQ(DecodeFixed32(record.data() + 4), crc32c::Mask(crc32c::Value(covered)));
  EXPECT_NE(RecordChecksum(7, "abc"), RecordChecksum(8, "abc"));
}

TEST(JournalFormatTest, SegmentHeader) {
  std::string header = EncodeSegmentHeader();
  ASSERT_EQ(header.size(), kSegmentHeaderSize);
  EXPECT_EQ(header.substr(0, 8), "BSLTJRNL");
  EXPECT_EQ(DecodeFixed32(header.data() + 8), kSegmentFormatVersion);
}

std::string Image(uint64_t seq, std::string_view payload) {
  return EncodeImageHeader(seq, payload) + std::string(payload);
}

TEST(JournalFormatTest, ImageRoundTrip) {
  std::string payload("catalog\0bytes", 13);
  std::string file = Image(99, payload);
  ASSERT_EQ(file.size(), kImageHeaderSize + payload.size());
  uint64_t seq = 0;
  std::string_view decoded;
  ASSERT_TRUE(DecodeImage("dir/image.x", file, 99, &seq, &decoded).ok());
  EXPECT_EQ(seq, 99u);
  EXPECT_EQ(decoded, payload);

  ASSERT_TRUE(DecodeImage("p", Image(5, ""), 5, &seq, &decoded).ok());
  EXPECT_EQ(decoded, "");
}

TEST(JournalFormatTest, ImageDamageIsCorruptionWithPathAndOffset) {
  std::string file = Image(99, "payload");
  uint64_t seq;
  std::string_view payload;
  // Every single-bit flip anywhere in the file is detected.
  for (size_t bit = 0; bit < file.size() * 8; ++bit) {
    std::string damaged = file;
    damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
    Status s = DecodeImage("dir/image.00000000000000000099", damaged, 99, &seq, &payload);
    ASSERT_TRUE(s.IsCorruption()) << "bit " << bit << ": " << s;
    EXPECT_NE(s.message().find("dir/image.00000000000000000099"), std::string::npos);
    EXPECT_NE(s.message().find("byte offset"), std::string::npos);
  }
  for (size_t len = 0; len < file.size(); ++len) {
    EXPECT_TRUE(DecodeImage("p", file.substr(0, len), 99, &seq, &payload).IsCorruption()) << len;
  }
  EXPECT_TRUE(DecodeImage("p", file + "x", 99, &seq, &payload).IsCorruption());
  Status wrong_name = DecodeImage("p", file, 98, &seq, &payload);
  EXPECT_TRUE(wrong_name.IsCorruption());
  EXPECT_NE(wrong_name.message().find("byte offset 12"), std::string::npos) << wrong_name;
}

TEST(JournalFormatTest, CorruptionMessageTellsWhatToDo) {
  Status s = JournalCorruption("/meta/journal.00000000000000000001", 1234, "checksum mismatch");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("journal is damaged"), std::string::npos);
  EXPECT_NE(s.message().find("/meta/journal.00000000000000000001"), std::string::npos);
  EXPECT_NE(s.message().find("byte offset 1234"), std::string::npos);
  EXPECT_NE(s.message().find("refuses to start"), std::string::npos);
  EXPECT_NE(s.message().find("restore"), std::string::npos);
}

}  // namespace
}  // namespace basalt::fe
