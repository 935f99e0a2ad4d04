#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace basalt::crc32c {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" check value.
TEST(Crc32cTest, KnownVectors) {
  std::string zeros(32, '\0');
  EXPECT_EQ(Value(zeros), 0x8A9136AAu);
  std::string ones(32, '\xff');
  EXPECT_EQ(Value(ones), 0x62A8AB43u);
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(Value(ascending), 0x46DD794Eu);
  EXPECT_EQ(Value(descending), 0x113FDB5Cu);
  EXPECT_EQ(Value("123456789"), 0xE3069283u);
  EXPECT_EQ(Value(""), 0u);
}

TEST(Crc32cTest, PortableMatchesDispatched) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  // Every length and a few misaligned starts exercise both the 8-byte loop and the byte tail.
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 37) {
      EXPECT_EQ(ExtendPortable(0, data.data() + start, len), Value(data.data() + start, len))
          << "start=" << start << " len=" << len;
    }
  }
  EXPECT_EQ(ExtendPortable(0, "123456789", 9), 0xE3069283u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data = "hello, journal world; a string long enough to span words";
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t partial = Value(data.data(), split);
    EXPECT_EQ(Extend(partial, data.data() + split, data.size() - split), Value(data));
  }
}

TEST(Crc32cTest, MaskRoundTripsAndChangesValue) {
  for (uint32_t crc : {0u, 1u, 0xE3069283u, 0xffffffffu, 0x12345678u}) {
    EXPECT_EQ(Unmask(Mask(crc)), crc);
    EXPECT_NE(Mask(crc), crc);
    EXPECT_NE(Mask(Mask(crc)), Mask(crc));
  }
}

TEST(Crc32cTest, DetectsSingleBitFlips) {
  std::string data(64, 'x');
  uint32_t good = Value(data);
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    std::string flipped = data;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_NE(Value(flipped), good) << bit;
  }
}

}  // namespace
}  // namespace basalt::crc32c
