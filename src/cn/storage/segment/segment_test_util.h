// Test helpers: deterministic random columns of every physical type and shape, and comparisons.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cn/storage/segment/segment_reader.h"
#include "cn/storage/segment/segment_writer.h"

namespace basalt::segment::testing {

enum class Shape { kRandom, kExtremes, kSorted, kConstant, kLowCard, kHighCard, kEmptyStrings };

inline std::string_view ShapeName(Shape s) {
  switch (s) {
    case Shape::kRandom: return "random";
    case Shape::kExtremes: return "extremes";
    case Shape::kSorted: return "sorted";
    case Shape::kConstant: return "constant";
    case Shape::kLowCard: return "lowcard";
    case Shape::kHighCard: return "highcard";
    case Shape::kEmptyStrings: return "empty";
  }
  return "?";
}

// One value of `type`'s physical type in the given shape; `i` is the row number.
class ValueGen {
 public:
  ValueGen(uint64_t seed, Shape shape) : rng_(seed), shape_(shape) {}

  int64_t Int(size_t i) {
    switch (shape_) {
      case Shape::kExtremes: {
        const int64_t pick[] = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0, -1,
                                1};
        return pick[rng_() % 5];
      }
      case Shape::kSorted: return base_ + static_cast<int64_t>(i) * 1000 + static_cast<int64_t>(rng_() % 100);
      case Shape::kConstant: return 7;
      case Shape::kLowCard: return static_cast<int64_t>(rng_() % 5) * 1000003;
      default: return static_cast<int64_t>(rng_());
    }
  }
  double Double(size_t i) {
    const double specials[] = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::denorm_min(), 2.5};
    switch (shape_) {
      case Shape::kExtremes: return specials[rng_() % 7];
      case Shape::kSorted: return static_cast<double>(i) * 0.25;
      case Shape::kConstant: return -0.0;
      case Shape::kLowCard: return specials[rng_() % 3] + static_cast<double>(rng_() % 3);
      default: return std::bit_cast<double>(rng_());
    }
  }
  std::string String(size_t i) {
    static const char* kCountries[] = {"JP", "US", "DE", "FR", "CN", "BR", "IN", "GB", "KR", "CA"};
    switch (shape_) {
      case Shape::kConstant: return "constant";
      case Shape::kLowCard: return kCountries[rng_() % 10];
      case Shape::kEmptyStrings: return rng_() % 4 == 0 ? "x" : "";
      case Shape::kSorted: {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "key%012zu", i);
        return buf;
      }
      case Shape::kExtremes: {
        // Long strings of 0xFF and NUL bytes stress zone-map truncation.
        std::string s(1 + rng_() % 100, rng_() % 2 ? '\xff' : '\0');
        if (rng_() % 3 == 0) s.back() = 'a';
        return s;
      }
      default: {
        std::string s(rng_() % 30, '\0');
        for (char& c : s) c = static_cast<char>(rng_());
        return s;
      }
    }
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint64_t Next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
  Shape shape_;
  // Sorted data continues across chunks generated with different seeds.
  static constexpr int64_t base_ = 1718000000000000;
};

inline ColumnPtr MakeColumn(DataType type, size_t n, Shape shape, double null_rate, uint64_t seed,
                            size_t first_row = 0) {
  ValueGen gen(seed, shape);
  ColumnPtr col = Column::Make(type, n);
  for (size_t i = 0; i < n; ++i) {
    if (null_rate > 0 && gen.Chance(null_rate)) {
      col->AppendNull();
      continue;
    }
    switch (type.physical()) {
      case PhysicalType::kInt64: {
        int64_t v = gen.Int(first_row + i);
        if (type.id == TypeId::kBoolean) v &= 1;
        col->AppendInt(v);
        break;
      }
      case PhysicalType::kDouble: col->AppendDouble(gen.Double(first_row + i)); break;
      case PhysicalType::kString: col->AppendString(gen.String(first_row + i)); break;
    }
  }
  return col;
}

// Row `r` of `a` equals row `s` of `b` (doubles bit for bit).
inline bool SameValue(const Column& a, size_t r, const Column& b, size_t s) {
  if (a.IsNull(r) != b.IsNull(s)) return false;
  if (a.IsNull(r)) return true;
  switch (a.physical()) {
    case PhysicalType::kInt64: return a.GetInt(r) == b.GetInt(s);
    case PhysicalType::kDouble:
      return std::bit_cast<uint64_t>(a.GetDouble(r)) == std::bit_cast<uint64_t>(b.GetDouble(s));
    case PhysicalType::kString: return a.GetString(r) == b.GetString(s);
  }
  return false;
}

inline void ExpectColumnEq(const Column& expected, const Column& actual, const std::string& what) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  ASSERT_EQ(expected.type(), actual.type()) << what;
  for (size_t r = 0; r < expected.size(); ++r) {
    ASSERT_TRUE(SameValue(expected, r, actual, r)) << what << " row " << r;
  }
}

// Concatenation of chunks (same schema).
inline Chunk Concat(const std::vector<Chunk>& chunks, const SegmentSchema& schema) {
  Chunk out;
  for (const SegmentColumn& c : schema) out.columns.push_back(Column::Make(c.type));
  for (const Chunk& ch : chunks) {
    for (size_t i = 0; i < schema.size(); ++i) {
      for (size_t r = 0; r < ch.num_rows; ++r) out.columns[i]->AppendFrom(*ch.columns[i], r);
    }
    out.num_rows += ch.num_rows;
  }
  return out;
}

inline std::string WriteSegment(const SegmentSchema& schema, const std::vector<Chunk>& chunks,
                                SegmentWriterOptions options = {}) {
  auto writer = SegmentWriter::Make(schema, options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  for (const Chunk& c : chunks) {
    Status st = (*writer)->Append(c);
    EXPECT_TRUE(st.ok()) << st;
  }
  auto bytes = (*writer)->Finish();
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return std::move(bytes).value();
}

}  // namespace basalt::segment::testing
