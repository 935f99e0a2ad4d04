#include "engine/chunk_codec.h"

#include <gtest/gtest.h>

namespace basalt {
namespace {

std::vector<DataType> Types() {
  return {DataType::BigInt(), DataType::Double(), DataType::Varchar(20), DataType::Date(),
          DataType::Decimal(10, 2)};
}

Chunk SampleChunk() {
  Chunk chunk;
  for (const DataType& t : Types()) chunk.columns.push_back(Column::Make(t));
  chunk.columns[0]->AppendInt(1);
  chunk.columns[0]->AppendNull();
  chunk.columns[0]->AppendInt(-7);
  chunk.columns[1]->AppendDouble(0.5);
  chunk.columns[1]->AppendDouble(-1e300);
  chunk.columns[1]->AppendNull();
  chunk.columns[2]->AppendString(std::string("a\0b", 3));
  chunk.columns[2]->AppendString("");
  chunk.columns[2]->AppendNull();
  chunk.columns[3]->AppendInt(19000);
  chunk.columns[3]->AppendInt(0);
  chunk.columns[3]->AppendInt(1);
  chunk.columns[4]->AppendInt(12345);
  chunk.columns[4]->AppendNull();
  chunk.columns[4]->AppendNull();
  chunk.num_rows = 3;
  return chunk;
}

void ExpectSameChunk(const Chunk& a, const Chunk& b) {
  ASSERT_EQ(a.num_rows, b.num_rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const Column& x = *a.columns[c];
    const Column& y = *b.columns[c];
    EXPECT_EQ(x.type(), y.type());
    ASSERT_EQ(x.size(), y.size());
    for (size_t r = 0; r < x.size(); ++r) {
      ASSERT_EQ(x.IsNull(r), y.IsNull(r)) << "column " << c << " row " << r;
      if (x.IsNull(r)) continue;
      switch (x.physical()) {
        case PhysicalType::kInt64: EXPECT_EQ(x.GetInt(r), y.GetInt(r)); break;
        case PhysicalType::kDouble: EXPECT_EQ(x.GetDouble(r), y.GetDouble(r)); break;
        case PhysicalType::kString: EXPECT_EQ(x.GetString(r), y.GetString(r)); break;
      }
    }
  }
}

TEST(ChunkCodecTest, RoundTripWithNullsAndZeroBytes) {
  Chunk chunk = SampleChunk();
  proto::ChunkPB pb = ChunkToPB(chunk);
  EXPECT_EQ(pb.num_rows(), 3);
  EXPECT_TRUE(pb.columns(3).nulls().empty());  // No NULL in the DATE column.
  EXPECT_EQ(pb.columns(0).nulls(), std::string("\0\1\0", 3));
  // Through the wire bytes too.
  proto::ChunkPB parsed;
  ASSERT_TRUE(parsed.ParseFromString(pb.SerializeAsString()));
  auto decoded = ChunkFromPB(parsed, Types());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameChunk(chunk, *decoded);
  EXPECT_EQ(decoded->columns[2]->GetString(0).size(), 3u);
}

TEST(ChunkCodecTest, EmptyChunk) {
  Chunk chunk;
  for (const DataType& t : Types()) chunk.columns.push_back(Column::Make(t));
  auto decoded = ChunkFromPB(ChunkToPB(chunk), Types());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameChunk(chunk, *decoded);

  // An all-default message decodes as zero rows when the column count matches.
  proto::ChunkPB pb;
  for (size_t i = 0; i < Types().size(); ++i) pb.add_columns();
  decoded = ChunkFromPB(pb, Types());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->num_rows, 0u);
}

TEST(ChunkCodecTest, RejectsColumnCountMismatch) {
  proto::ChunkPB pb = ChunkToPB(SampleChunk());
  pb.mutable_columns()->RemoveLast();
  auto decoded = ChunkFromPB(pb, Types());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("4 columns, expected 5"), std::string::npos);
}

TEST(ChunkCodecTest, RejectsWrongValueCountsNamingTheColumn) {
  const std::vector<std::string> names = {"k", "d", "s", "day", "price"};
  {
    proto::ChunkPB pb = ChunkToPB(SampleChunk());
    pb.mutable_columns(0)->add_ints(5);  // One too many.
    auto decoded = ChunkFromPB(pb, Types(), names);
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("column 'k'"), std::string::npos) << decoded.status();
  }
  {
    proto::ChunkPB pb = ChunkToPB(SampleChunk());
    pb.mutable_columns(2)->mutable_strings()->RemoveLast();
    auto decoded = ChunkFromPB(pb, Types());
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("column #2"), std::string::npos) << decoded.status();
  }
  {
    // Values in the wrong physical field: doubles for a BIGINT column.
    proto::ChunkPB pb = ChunkToPB(SampleChunk());
    pb.mutable_columns(0)->clear_ints();
    for (int i = 0; i < 3; ++i) pb.mutable_columns(0)->add_doubles(1);
    auto decoded = ChunkFromPB(pb, Types(), names);
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("0 ints values"), std::string::npos) << decoded.status();
  }
  {
    proto::ChunkPB pb = ChunkToPB(SampleChunk());
    pb.set_num_rows(4);
    EXPECT_EQ(ChunkFromPB(pb, Types()).status().code(), StatusCode::kInvalidArgument);
    pb.set_num_rows(-1);
    EXPECT_EQ(ChunkFromPB(pb, Types()).status().code(), StatusCode::kInvalidArgument);
    pb.set_num_rows(int64_t{1} << 40);
    EXPECT_EQ(ChunkFromPB(pb, Types()).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ChunkCodecTest, RejectsBadNullMap) {
  proto::ChunkPB pb = ChunkToPB(SampleChunk());
  pb.mutable_columns(1)->set_nulls(std::string("\0\1", 2));
  auto decoded = ChunkFromPB(pb, Types());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("null map"), std::string::npos);
  pb.mutable_columns(1)->set_nulls(std::string("\0\2\0", 3));
  EXPECT_EQ(ChunkFromPB(pb, Types()).status().code(), StatusCode::kInvalidArgument);
}

TEST(ChunkCodecTest, DataTypeFromSchema) {
  proto::ColumnSchemaPB c;
  c.set_name("v");
  c.set_type_id(static_cast<int32_t>(TypeId::kVarchar));
  c.set_type_length(10);
  auto t = DataTypeFromSchemaPB(c);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, DataType::Varchar(10));

  c.set_type_id(static_cast<int32_t>(TypeId::kBigInt));
  c.set_type_length(0);
  t = DataTypeFromSchemaPB(c);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, DataType::BigInt());

  c.set_type_id(static_cast<int32_t>(TypeId::kDecimal));
  c.set_type_precision(10);
  c.set_type_scale(2);
  t = DataTypeFromSchemaPB(c);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, DataType::Decimal(10, 2));
  c.set_type_scale(11);
  EXPECT_EQ(DataTypeFromSchemaPB(c).status().code(), StatusCode::kInvalidArgument);

  for (int bad : {0, -1, static_cast<int>(TypeId::kJson) + 1, 1000}) {
    c.set_type_id(bad);
    auto r = DataTypeFromSchemaPB(c);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("'v'"), std::string::npos);
  }
}

}  // namespace
}  // namespace basalt
