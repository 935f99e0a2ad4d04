#include "engine/distribution.h"

#include <gtest/gtest.h>

#include <set>

namespace basalt {
namespace {

Chunk MakeRows(const std::vector<std::optional<int64_t>>& ints, const std::vector<std::string>& strings) {
  Chunk chunk;
  auto a = Column::Make(DataType::BigInt());
  auto b = Column::Make(DataType::Varchar());
  for (size_t i = 0; i < ints.size(); ++i) {
    if (ints[i]) {
      a->AppendInt(*ints[i]);
    } else {
      a->AppendNull();
    }
    b->AppendString(strings[i]);
  }
  chunk.columns = {a, b};
  chunk.num_rows = ints.size();
  return chunk;
}

TEST(HashBucketsTest, SameKeySameBucketAndInRange) {
  std::vector<std::optional<int64_t>> ints;
  std::vector<std::string> strings;
  for (int i = 0; i < 1000; ++i) {
    ints.push_back(i % 100);
    strings.push_back("s" + std::to_string(i % 7));
  }
  ints.push_back(std::nullopt);
  strings.push_back("");
  Chunk chunk = MakeRows(ints, strings);
  std::vector<uint32_t> buckets = HashBuckets(chunk, {0}, 8);
  ASSERT_EQ(buckets.size(), chunk.num_rows);
  std::set<uint32_t> used;
  for (size_t r = 0; r < 1000; ++r) {
    EXPECT_LT(buckets[r], 8u);
    EXPECT_EQ(buckets[r], buckets[r % 100]);  // equal keys land together
    used.insert(buckets[r]);
  }
  EXPECT_EQ(used.size(), 8u);  // 100 distinct keys spread over every bucket
  EXPECT_EQ(HashBuckets(chunk, {0}, 1), std::vector<uint32_t>(chunk.num_rows, 0));
  // Deterministic across calls and chunk boundaries.
  Chunk again = MakeRows({ints[5]}, {strings[5]});
  EXPECT_EQ(HashBuckets(again, {0}, 8)[0], buckets[5]);
}

TEST(HashBucketsTest, HashIsPinned) {
  // The bucket function is a storage format: these values must never change.
  Chunk chunk = MakeRows({1, 2, std::nullopt}, {"a", "", "xyz"});
  EXPECT_EQ(HashBuckets(chunk, {0, 1}, 1000003), (std::vector<uint32_t>{889767, 39918, 703838}));
}

TEST(HashBucketsTest, NegativeZeroAndZeroShareABucket) {
  Chunk chunk;
  auto d = Column::Make(DataType::Double());
  d->AppendDouble(0.0);
  d->AppendDouble(-0.0);
  chunk.columns = {d};
  chunk.num_rows = 2;
  std::vector<uint32_t> buckets = HashBuckets(chunk, {0}, 1000);
  EXPECT_EQ(buckets[0], buckets[1]);
}

TEST(RouteRangePartitionsTest, FirstBoundAboveTheValue) {
  Chunk chunk = MakeRows({5, 10, 15, 99, std::nullopt}, {"", "", "", "", ""});
  std::vector<RangeUpperBound> bounds = {{false, {Value::Int(10)}}, {false, {Value::Int(20)}}};
  EXPECT_EQ(RouteRangePartitions(chunk, {0}, bounds), (std::vector<int>{0, 1, 1, -1, 0}));
  bounds.push_back({true, {}});
  EXPECT_EQ(RouteRangePartitions(chunk, {0}, bounds), (std::vector<int>{0, 1, 1, 2, 0}));
  EXPECT_EQ(RouteRangePartitions(chunk, {0}, {}), (std::vector<int>(5, -1)));
}

TEST(RouteRangePartitionsTest, MultiColumnBoundsCompareLexicographically) {
  Chunk chunk = MakeRows({1, 1, 2}, {"a", "m", "a"});
  std::vector<RangeUpperBound> bounds = {{false, {Value::Int(1), Value::String("k")}},
                                         {false, {Value::Int(2), Value::String("b")}}};
  EXPECT_EQ(RouteRangePartitions(chunk, {0, 1}, bounds), (std::vector<int>{0, 1, 1}));
}

}  // namespace
}  // namespace basalt
