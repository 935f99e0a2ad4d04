#include "engine/column.h"

#include <gtest/gtest.h>

namespace basalt {
namespace {

// Strings of varying length (incl. empty) and NULLs, so offsets and the null map both matter.
ColumnPtr MixedStrings(size_t rows) {
  ColumnPtr column = Column::Make(DataType::Varchar(64));
  for (size_t i = 0; i < rows; ++i) {
    if (i % 5 == 3) {
      column->AppendNull();
    } else {
      column->AppendString(std::string(i % 7, static_cast<char>('a' + i % 26)));
    }
  }
  return column;
}

void ExpectSameRow(const Column& a, size_t ra, const Column& b, size_t rb) {
  ASSERT_EQ(a.IsNull(ra), b.IsNull(rb)) << ra << " vs " << rb;
  if (a.IsNull(ra)) return;
  switch (a.physical()) {
    case PhysicalType::kInt64: EXPECT_EQ(a.GetInt(ra), b.GetInt(rb)); break;
    case PhysicalType::kDouble: EXPECT_EQ(a.GetDouble(ra), b.GetDouble(rb)); break;
    case PhysicalType::kString: EXPECT_EQ(a.GetString(ra), b.GetString(rb)); break;
  }
}

TEST(ColumnTest, StringsKeepTheirBytesAndNulls) {
  ColumnPtr column = MixedStrings(100);
  ASSERT_EQ(column->size(), 100u);
  EXPECT_TRUE(column->has_nulls());
  for (size_t i = 0; i < 100; ++i) {
    if (i % 5 == 3) {
      EXPECT_TRUE(column->IsNull(i));
      EXPECT_EQ(column->GetString(i), "");
    } else {
      EXPECT_EQ(column->GetString(i), std::string(i % 7, static_cast<char>('a' + i % 26))) << i;
    }
  }
  EXPECT_EQ(column->GetValue(1).string_value(), "b");
  EXPECT_TRUE(column->GetValue(3).is_null());
  EXPECT_EQ(column->FormatRow(2), "cc");
}

TEST(ColumnTest, AppendRangeCopiesEveryPhysicalType) {
  ColumnPtr strings = MixedStrings(50);
  ColumnPtr ints = Column::Make(DataType::BigInt());
  ColumnPtr doubles = Column::Make(DataType::Double());
  for (int i = 0; i < 50; ++i) {
    if (i % 4 == 0) {
      ints->AppendNull();
    } else {
      ints->AppendInt(i * 1000);
    }
    doubles->AppendDouble(i / 4.0);
  }
  for (const ColumnPtr& source : {strings, ints, doubles}) {
    ColumnPtr target = Column::Make(source->type());
    target->AppendRange(*source, 0, 0);
    target->AppendRange(*source, 7, 20);
    target->AppendRange(*source, 0, 7);
    target->AppendRange(*source, 20, 50);
    ASSERT_EQ(target->size(), 50u);
    EXPECT_EQ(target->has_nulls(), source->has_nulls());
    for (size_t i = 0; i < 13; ++i) ExpectSameRow(*target, i, *source, 7 + i);
    for (size_t i = 0; i < 7; ++i) ExpectSameRow(*target, 13 + i, *source, i);
    for (size_t i = 20; i < 50; ++i) ExpectSameRow(*target, i, *source, i);
  }
}

TEST(ColumnTest, TakeFilterAndSliceMatchRowByRowCopies) {
  Chunk chunk;
  chunk.columns.push_back(MixedStrings(64));
  ColumnPtr ints = Column::Make(DataType::Int());
  for (int i = 0; i < 64; ++i) ints->AppendInt(i);
  chunk.columns.push_back(ints);
  chunk.num_rows = 64;

  const std::vector<uint32_t> picks = {63, 0, 3, 3, 17, 40};
  Chunk taken = chunk.Take(picks);
  ASSERT_EQ(taken.num_rows, picks.size());
  for (size_t c = 0; c < 2; ++c) {
    ASSERT_EQ(taken.columns[c]->size(), picks.size());
    for (size_t i = 0; i < picks.size(); ++i) ExpectSameRow(*taken.columns[c], i, *chunk.columns[c], picks[i]);
  }
  EXPECT_TRUE(taken.columns[0]->IsNull(2));  // Row 3 is NULL.
  EXPECT_TRUE(taken.columns[0]->has_nulls());

  std::vector<uint8_t> keep(64, 0);
  keep[5] = keep[6] = keep[60] = 1;
  Chunk filtered = chunk.Filter(keep);
  ASSERT_EQ(filtered.num_rows, 3u);
  ExpectSameRow(*filtered.columns[0], 2, *chunk.columns[0], 60);
  EXPECT_FALSE(filtered.columns[0]->has_nulls());

  Chunk slice = chunk.Slice(10, 30);
  ASSERT_EQ(slice.num_rows, 20u);
  for (size_t c = 0; c < 2; ++c) {
    for (size_t i = 0; i < 20; ++i) ExpectSameRow(*slice.columns[c], i, *chunk.columns[c], 10 + i);
  }
  Chunk whole = chunk.Slice(0, 64);
  EXPECT_EQ(whole.columns[0].get(), chunk.columns[0].get());  // No copy for the whole chunk.
}

TEST(ColumnTest, StringViewsSurviveCopiesIntoAnotherColumn) {
  // A copy appends from another column's buffer: the source's views stay valid, the target's
  // values are its own bytes.
  ColumnPtr source = MixedStrings(1000);
  ColumnPtr target = Column::Make(source->type());
  for (size_t i = 0; i < 1000; ++i) target->AppendFrom(*source, i);
  source.reset();
  for (size_t i = 0; i < 1000; ++i) {
    if (i % 5 != 3) {
      EXPECT_EQ(target->GetString(i), std::string(i % 7, static_cast<char>('a' + i % 26)));
    }
  }
}

}  // namespace
}  // namespace basalt
