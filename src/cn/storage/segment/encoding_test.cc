#include "cn/storage/segment/encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace basalt::segment {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr Encoding kIntEncodings[] = {Encoding::kPlain, Encoding::kBitPack, Encoding::kRle, Encoding::kDelta,
                                      Encoding::kDict};

// Named int64 data shapes; each generator is deterministic in (seed, n).
std::vector<std::pair<std::string, std::vector<int64_t>>> IntDataSets(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, std::vector<int64_t>>> sets;
  auto add = [&](std::string name, auto gen) {
    std::vector<int64_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = gen(i);
    sets.emplace_back(std::move(name), std::move(v));
  };
  add("random_full_range", [&](size_t) { return static_cast<int64_t>(rng()); });
  add("extremes", [&](size_t) {
    const int64_t pick[] = {kMin, kMax, 0, -1, 1, kMin + 1, kMax - 1};
    return pick[rng() % 7];
  });
  add("alternating_min_max", [&](size_t i) { return i % 2 ? kMin : kMax; });
  add("constant", [&](size_t) { return int64_t{42}; });
  add("constant_min", [&](size_t) { return kMin; });
  add("sorted_timestamps", [&, t = int64_t{1718000000000000}](size_t) mutable { return t += 1000 + rng() % 50; });
  add("reverse_sorted", [&](size_t i) { return 1000000 - static_cast<int64_t>(i) * 3; });
  add("small_range", [&](size_t) { return static_cast<int64_t>(rng() % 1000) - 500; });
  add("low_card_wide", [&](size_t) { return static_cast<int64_t>((rng() % 4) * 1000000007LL * 1000); });
  add("runs", [&, cur = int64_t{0}, left = 0](size_t) mutable {
    if (left == 0) {
      cur = static_cast<int64_t>(rng() % 100);
      left = 1 + static_cast<int>(rng() % 50);
    }
    --left;
    return cur;
  });
  add("booleans", [&](size_t) { return static_cast<int64_t>(rng() % 2); });
  return sets;
}

std::vector<int64_t> DecodeInts(Encoding e, const std::string& bytes, size_t n) {
  ByteReader in(bytes);
  std::vector<int64_t> out(n);
  Status st = DecodeInt64(e, &in, n, out.data());
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(in.remaining(), 0u);
  return out;
}

TEST(BitPackTest, RoundTripsEveryWidth) {
  std::mt19937_64 rng(1);
  for (int w = 0; w <= 64; ++w) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{63}, size_t{64}, size_t{1000}}) {
      std::vector<uint64_t> v(n);
      const uint64_t mask = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
      for (auto& x : v) x = rng() & mask;
      std::string out = "prefix";
      PackBits(v.data(), n, w, &out);
      ASSERT_EQ(out.size(), 6 + PackedBytes(n, w)) << "w=" << w << " n=" << n;
      std::vector<uint64_t> back(n);
      UnpackBits(out.data() + 6, n, w, back.data());
      ASSERT_EQ(back, v) << "w=" << w << " n=" << n;
    }
  }
}

TEST(BitPackTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
}

TEST(VarintTest, ZigZagAndVarintRoundTrip) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, kMin, kMax, int64_t{-64}, int64_t{64}}) {
    EXPECT_EQ(UnZigZag(ZigZag(v)), v);
    std::string s;
    PutVarint(&s, ZigZag(v));
    EXPECT_EQ(s.size(), VarintSize(ZigZag(v)));
    ByteReader in(s);
    uint64_t back;
    ASSERT_TRUE(in.GetVarint(&back));
    EXPECT_EQ(UnZigZag(back), v);
  }
  // An 11-byte varint (or a 10th byte > 1) is rejected.
  std::string too_long(10, '\xff');
  too_long.push_back('\x01');
  ByteReader in(too_long);
  uint64_t v;
  EXPECT_FALSE(in.GetVarint(&v));
}

TEST(Int64EncodingTest, EveryEncodingRoundTripsEveryDataSet) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{100}, size_t{8192}}) {
      for (const auto& [name, values] : IntDataSets(seed, n)) {
        for (Encoding e : kIntEncodings) {
          std::string bytes;
          EncodeInt64(e, values, &bytes);
          EXPECT_EQ(DecodeInts(e, bytes, n), values) << name << " " << EncodingName(e) << " n=" << n;
        }
        std::string bytes;
        const Encoding chosen = EncodeInt64Auto(values, &bytes);
        EXPECT_EQ(DecodeInts(chosen, bytes, n), values) << name << " auto n=" << n;
      }
    }
  }
}

TEST(Int64EncodingTest, AutoPicksTheSmallestEncoding) {
  for (const auto& [name, values] : IntDataSets(7, 4096)) {
    size_t smallest = SIZE_MAX;
    for (Encoding e : kIntEncodings) {
      std::string bytes;
      EncodeInt64(e, values, &bytes);
      smallest = std::min(smallest, bytes.size());
    }
    std::string bytes;
    EncodeInt64Auto(values, &bytes);
    // The dictionary is only tracked while it can pay off, so Auto may skip a dictionary that is
    // marginally smaller; everything else must be exact.
    EXPECT_LE(bytes.size(), smallest + smallest / 8 + 16) << name;
    if (name != "low_card_wide") {
      EXPECT_EQ(bytes.size(), smallest) << name;
    }
  }
}

TEST(Int64EncodingTest, ChoosesTheExpectedEncodingForTypicalShapes) {
  auto sets = IntDataSets(3, 8192);
  auto choice = [&](const std::string& name) {
    for (const auto& [n, v] : sets) {
      if (n == name) {
        std::string bytes;
        return EncodeInt64Auto(v, &bytes);
      }
    }
    ADD_FAILURE() << name;
    return Encoding::kPlain;
  };
  EXPECT_EQ(choice("sorted_timestamps"), Encoding::kDelta);
  EXPECT_EQ(choice("reverse_sorted"), Encoding::kDelta);
  EXPECT_EQ(choice("constant"), Encoding::kRle);
  EXPECT_EQ(choice("runs"), Encoding::kRle);
  EXPECT_EQ(choice("small_range"), Encoding::kBitPack);
  EXPECT_EQ(choice("booleans"), Encoding::kBitPack);
  EXPECT_EQ(choice("low_card_wide"), Encoding::kDict);
  EXPECT_EQ(choice("random_full_range"), Encoding::kPlain);
}

TEST(Int64EncodingTest, EmptyInputEncodesToNothing) {
  for (Encoding e : kIntEncodings) {
    std::string bytes;
    EncodeInt64(e, {}, &bytes);
    EXPECT_TRUE(bytes.empty());
    ByteReader in(bytes);
    EXPECT_TRUE(DecodeInt64(e, &in, 0, nullptr).ok());
  }
}

// Every prefix of a valid encoding, and random bytes, decode to Corruption or to n values without
// reading out of bounds (ASan checks the latter).
TEST(Int64EncodingTest, TruncatedAndGarbageInputIsCorruption) {
  std::mt19937_64 rng(11);
  for (const auto& [name, values] : IntDataSets(5, 300)) {
    for (Encoding e : kIntEncodings) {
      std::string bytes;
      EncodeInt64(e, values, &bytes);
      std::vector<int64_t> out(values.size());
      for (size_t len = 0; len < bytes.size(); ++len) {
        const std::string prefix = bytes.substr(0, len);  // Own allocation, so ASan sees overreads.
        ByteReader in(prefix);
        Status st = DecodeInt64(e, &in, values.size(), out.data());
        // RLE of a constant can be complete before its end only if the prefix was the whole block.
        if (st.ok()) {
          EXPECT_EQ(e, Encoding::kRle) << name << " len=" << len;
        } else {
          EXPECT_TRUE(st.IsCorruption()) << st;
        }
      }
      for (int trial = 0; trial < 20; ++trial) {
        std::string garbage(rng() % 64, '\0');
        for (char& c : garbage) c = static_cast<char>(rng());
        ByteReader in(garbage);
        Status st = DecodeInt64(e, &in, values.size(), out.data());
        if (!st.ok()) {
          EXPECT_TRUE(st.IsCorruption()) << st;
        }
      }
    }
  }
}

TEST(Int64EncodingTest, DictionaryCodeOutOfRangeIsCorruption) {
  std::string bytes;
  PutU32(&bytes, 2);
  PutI64(&bytes, 5);
  PutI64(&bytes, 6);
  PutU8(&bytes, 2);   // width 2 allows code 3
  PutU8(&bytes, 0x3);  // first code 3 >= k
  ByteReader in(bytes);
  std::vector<int64_t> out(1);
  EXPECT_TRUE(DecodeInt64(Encoding::kDict, &in, 1, out.data()).IsCorruption());
}

std::vector<double> DoubleValues(uint64_t seed, size_t n, bool low_card) {
  std::mt19937_64 rng(seed);
  const double specials[] = {0.0,
                             -0.0,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN(),
                             -std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::lowest(),
                             1.5};
  std::vector<double> v(n);
  for (auto& x : v) {
    if (low_card) {
      x = specials[rng() % 10];
    } else {
      x = rng() % 10 == 0 ? specials[rng() % 10] : std::bit_cast<double>(rng());
    }
  }
  return v;
}

void ExpectSameBits(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(std::bit_cast<uint64_t>(a[i]), std::bit_cast<uint64_t>(b[i])) << what << " row " << i;
  }
}

TEST(DoubleEncodingTest, RoundTripsBitExactIncludingNaNAndNegativeZero) {
  for (bool low_card : {false, true}) {
    for (size_t n : {size_t{1}, size_t{5}, size_t{4096}}) {
      const auto values = DoubleValues(n, n, low_card);
      for (Encoding e : {Encoding::kPlain, Encoding::kDict}) {
        std::string bytes;
        EncodeDouble(e, values, &bytes);
        ByteReader in(bytes);
        std::vector<double> out(n);
        ASSERT_TRUE(DecodeDouble(e, &in, n, out.data()).ok());
        EXPECT_EQ(in.remaining(), 0u);
        ExpectSameBits(values, out, std::string(EncodingName(e)));
      }
      std::string bytes;
      const Encoding chosen = EncodeDoubleAuto(values, &bytes);
      if (n == 4096) {
        EXPECT_EQ(chosen, low_card ? Encoding::kDict : Encoding::kPlain);
      }
      ByteReader in(bytes);
      std::vector<double> out(n);
      ASSERT_TRUE(DecodeDouble(chosen, &in, n, out.data()).ok());
      ExpectSameBits(values, out, "auto");
    }
  }
  ByteReader in("");
  EXPECT_TRUE(DecodeDouble(Encoding::kDelta, &in, 1, nullptr).IsCorruption());
}

std::vector<std::string> StringValues(uint64_t seed, size_t n, size_t cardinality) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> pool(cardinality);
  for (size_t i = 0; i < cardinality; ++i) {
    std::string s(rng() % 3 == 0 ? 0 : rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng());  // Binary, including NUL and 0xFF.
    pool[i] = std::move(s);
  }
  std::vector<std::string> v(n);
  for (auto& s : v) s = pool[rng() % cardinality];
  return v;
}

TEST(StringEncodingTest, RoundTripsBinaryAndEmptyStrings) {
  for (size_t card : {size_t{1}, size_t{3}, size_t{100}, size_t{100000}}) {
    for (size_t n : {size_t{1}, size_t{2}, size_t{1000}}) {
      const auto owned = StringValues(card + n, n, card);
      std::vector<std::string_view> values(owned.begin(), owned.end());
      for (Encoding e : {Encoding::kPlain, Encoding::kDict}) {
        std::string bytes;
        EncodeString(e, values, &bytes);
        ByteReader in(bytes);
        std::vector<std::string_view> out(n);
        ASSERT_TRUE(DecodeString(e, &in, n, kMaxPageValueBytes, out.data()).ok());
        EXPECT_EQ(in.remaining(), 0u);
        EXPECT_EQ(out, values);
      }
      std::string bytes;
      const Encoding chosen = EncodeStringAuto(values, &bytes);
      ByteReader in(bytes);
      std::vector<std::string_view> out(n);
      ASSERT_TRUE(DecodeString(chosen, &in, n, kMaxPageValueBytes, out.data()).ok());
      EXPECT_EQ(out, values);
    }
  }
}

TEST(StringEncodingTest, LowCardinalityChoosesDictHighCardinalityPlain) {
  const char* countries[] = {"JP", "US", "DE", "FR", "CN", "BR", "IN", "GB", "KR", "CA"};
  std::vector<std::string_view> low;
  std::vector<std::string> high_owned;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 4000; ++i) {
    low.push_back(countries[rng() % 10]);
    high_owned.push_back(std::to_string(rng()));
  }
  std::vector<std::string_view> high(high_owned.begin(), high_owned.end());
  std::string bytes;
  EXPECT_EQ(EncodeStringAuto(low, &bytes), Encoding::kDict);
  EXPECT_LT(bytes.size(), 4000u / 2 + 100);  // 4 bits per code + a tiny dictionary
  bytes.clear();
  EXPECT_EQ(EncodeStringAuto(high, &bytes), Encoding::kPlain);
}

// The range comes from the dictionary while it lasts and from the values after it is given up (at
// the start, in the middle, never); every way must give the bytewise min and max of all values.
TEST(StringEncodingTest, ReportsTheRangeOfTheValuesWhicheverEncodingWins) {
  std::mt19937_64 rng(11);
  const char* few[] = {"m", "b", "zz", "", "b\xff", "a"};
  for (int shape = 0; shape < 4; ++shape) {
    std::vector<std::string> owned;
    for (int i = 0; i < 3000; ++i) {
      const bool distinct = shape == 1 || (shape == 2 && i >= 1500) || (shape == 3 && i % 2 == 0);
      owned.push_back(distinct ? std::to_string(rng()) : std::string(few[rng() % 6]));
    }
    std::vector<std::string_view> values(owned.begin(), owned.end());
    std::string bytes;
    StringRange range;
    const Encoding chosen = EncodeStringAuto(values, &bytes, &range);
    EXPECT_EQ(chosen, shape == 0 ? Encoding::kDict : Encoding::kPlain) << "shape " << shape;
    const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    EXPECT_EQ(range.min, *mn) << "shape " << shape;
    EXPECT_EQ(range.max, *mx) << "shape " << shape;
  }
}

TEST(StringEncodingTest, DictionaryExpansionIsCapped) {
  std::vector<std::string_view> values(1000, std::string_view("0123456789"));
  std::string bytes;
  EncodeString(Encoding::kDict, values, &bytes);
  ByteReader in(bytes);
  std::vector<std::string_view> out(values.size());
  EXPECT_TRUE(DecodeString(Encoding::kDict, &in, values.size(), 9999, out.data()).IsCorruption());
}

TEST(StringEncodingTest, TruncatedInputIsCorruption) {
  const auto owned = StringValues(9, 200, 20);
  std::vector<std::string_view> values(owned.begin(), owned.end());
  for (Encoding e : {Encoding::kPlain, Encoding::kDict}) {
    std::string bytes;
    EncodeString(e, values, &bytes);
    std::vector<std::string_view> out(values.size());
    for (size_t len = 0; len < bytes.size(); ++len) {
      const std::string prefix = bytes.substr(0, len);
      ByteReader in(prefix);
      EXPECT_TRUE(DecodeString(e, &in, values.size(), kMaxPageValueBytes, out.data()).IsCorruption())
          << EncodingName(e) << " len=" << len;
    }
  }
}

}  // namespace
}  // namespace basalt::segment
