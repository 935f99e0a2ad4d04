#include "cn/storage/tablet_reader.h"

#include <gtest/gtest.h>

#include "cn/storage/tablet_test_util.h"
#include "cn/storage/tablet_writer.h"
#include "common/io/memory_object_store.h"

namespace basalt::cn {
namespace {

using testing::AddColumn;
using testing::ThreeColumnRows;
using testing::ThreeColumnSchema;

class TabletReaderTest : public ::testing::Test {
 protected:
  // Writes `rows` rows (k from base) as segments of at most `segment_rows`; returns the segments.
  std::vector<proto::SegmentPB> Write(size_t rows, int64_t txn, uint64_t segment_rows = 1 << 20,
                                      int64_t base = 0) {
    TabletWriteTarget target{1, "db1/t2/p3/tablet1/", txn, 1};
    TabletWriteOptions options;
    options.max_segment_rows = segment_rows;
    auto result = WriteTabletRows(*store_, target, ThreeColumnSchema(), ThreeColumnRows(rows, base), options);
    EXPECT_TRUE(result.ok()) << result.status();
    return {result->rowset.segments().begin(), result->rowset.segments().end()};
  }

  // Every row of the reader, as one chunk.
  Result<Chunk> ReadAll(const proto::TableSchemaPB& schema, std::vector<proto::SegmentPB> segments,
                        TabletReadOptions options = {}, size_t* batches = nullptr) {
    ASSIGN_OR_RETURN(auto reader, TabletReader::Make(store_, schema, std::move(segments), options));
    Chunk all;
    for (const DataType& t : reader->output_types()) all.columns.push_back(Column::Make(t));
    Chunk chunk;
    while (true) {
      ASSIGN_OR_RETURN(bool more, reader->Next(&chunk));
      if (!more) break;
      if (batches != nullptr) ++*batches;
      EXPECT_LE(chunk.num_rows, options.batch_rows == 0 ? 4096u : options.batch_rows);
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        EXPECT_EQ(chunk.columns[c]->size(), chunk.num_rows);
        EXPECT_EQ(chunk.columns[c]->type(), all.columns[c]->type());
        for (size_t r = 0; r < chunk.num_rows; ++r) all.columns[c]->AppendFrom(*chunk.columns[c], r);
      }
      all.num_rows += chunk.num_rows;
    }
    return all;
  }

  std::shared_ptr<InMemoryObjectStore> store_ = std::make_shared<InMemoryObjectStore>();
};

TEST_F(TabletReaderTest, ReadsAllRowsAcrossSegments) {
  std::vector<proto::SegmentPB> segments = Write(1000, 5, 300);
  std::vector<proto::SegmentPB> more = Write(10, 6, 300, 1000);
  segments.insert(segments.end(), more.begin(), more.end());
  TabletReadOptions options;
  options.batch_rows = 128;
  size_t batches = 0;
  auto all = ReadAll(ThreeColumnSchema(), segments, options, &batches);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->num_rows, 1010u);
  EXPECT_GE(batches, 1010u / 128);
  for (size_t i = 0; i < 1010; ++i) {
    const size_t j = i < 1000 ? i : i - 1000;
    ASSERT_EQ(all->columns[0]->GetInt(i), static_cast<int64_t>(i));
    if (j % 7 == 3) {
      EXPECT_TRUE(all->columns[1]->IsNull(i));
    } else {
      EXPECT_EQ(all->columns[1]->GetString(i), "row" + std::to_string(j));
    }
    EXPECT_EQ(all->columns[2]->GetDouble(i), static_cast<double>(j) / 2);
  }
}

TEST_F(TabletReaderTest, ProjectionInRequestedOrder) {
  TabletReadOptions options;
  options.columns = {5, 1};
  auto all = ReadAll(ThreeColumnSchema(), Write(20, 5), options);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->columns.size(), 2u);
  EXPECT_EQ(all->columns[0]->type(), DataType::Double());
  EXPECT_EQ(all->columns[0]->GetDouble(4), 2.0);
  EXPECT_EQ(all->columns[1]->GetInt(19), 19);

  options.columns = {9};
  EXPECT_EQ(TabletReader::Make(store_, ThreeColumnSchema(), {}, options).status().code(),
            StatusCode::kInvalidArgument);
  options.columns = {1, 1};
  EXPECT_EQ(TabletReader::Make(store_, ThreeColumnSchema(), {}, options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(TabletReaderTest, AddedAndDroppedColumns) {
  std::vector<proto::SegmentPB> segments = Write(50, 5);
  // ALTER TABLE DROP COLUMN v; ADD COLUMN n INT DEFAULT "12"; ADD COLUMN s VARCHAR; ADD COLUMN
  // day DATE DEFAULT "2024-02-29".
  proto::TableSchemaPB schema = ThreeColumnSchema();
  schema.mutable_columns()->DeleteSubrange(1, 1);
  proto::ColumnSchemaPB* n = AddColumn(&schema, 7, "n", TypeId::kInt);
  n->set_has_default(true);
  n->set_default_value("12");
  AddColumn(&schema, 8, "s", TypeId::kVarchar, 10);
  proto::ColumnSchemaPB* day = AddColumn(&schema, 9, "day", TypeId::kDate);
  day->set_has_default(true);
  day->set_default_value("2024-02-29");

  auto all = ReadAll(schema, segments);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->columns.size(), 5u);
  ASSERT_EQ(all->num_rows, 50u);
  int64_t expected_day = 0;
  ASSERT_TRUE(ParseDate("2024-02-29", &expected_day));
  for (size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(all->columns[0]->GetInt(i), static_cast<int64_t>(i));
    EXPECT_EQ(all->columns[1]->GetDouble(i), static_cast<double>(i) / 2);
    EXPECT_EQ(all->columns[2]->GetInt(i), 12);
    EXPECT_TRUE(all->columns[3]->IsNull(i));
    EXPECT_EQ(all->columns[4]->GetInt(i), expected_day);
  }

  // Only columns the segments lack: rows still come out, all defaults.
  TabletReadOptions options;
  options.columns = {8, 7};
  options.batch_rows = 16;
  all = ReadAll(schema, segments, options);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->num_rows, 50u);
  EXPECT_TRUE(all->columns[0]->IsNull(49));
  EXPECT_EQ(all->columns[1]->GetInt(49), 12);

  n->set_default_value("twelve");
  EXPECT_EQ(TabletReader::Make(store_, schema, segments).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TabletReaderTest, TypeWidenedAfterWrite) {
  std::vector<proto::SegmentPB> segments = Write(10, 5);
  proto::TableSchemaPB schema = ThreeColumnSchema();
  schema.mutable_columns(1)->set_type_length(64);                                 // VARCHAR(32) -> (64)
  schema.mutable_columns(0)->set_type_id(static_cast<int32_t>(TypeId::kDouble));  // BIGINT -> DOUBLE
  auto all = ReadAll(schema, segments);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->columns[0]->type(), DataType::Double());
  EXPECT_EQ(all->columns[0]->GetDouble(9), 9.0);
  EXPECT_EQ(all->columns[1]->type(), DataType::Varchar(64));
  EXPECT_EQ(all->columns[1]->GetString(9), "row9");
}

TEST_F(TabletReaderTest, CorruptTruncatedAndMissingObjects) {
  std::vector<proto::SegmentPB> segments = Write(200, 5);
  const std::string key = segments[0].key();
  auto bytes = store_->Get(key);
  ASSERT_TRUE(bytes.ok() && bytes->has_value());
  std::string good = **bytes;

  // A flipped byte in a page: the page CRC catches it while reading.
  std::string bad = good;
  bad[40] ^= 0x5A;
  ASSERT_TRUE(store_->Put(key, bad).ok());
  auto result = ReadAll(ThreeColumnSchema(), segments);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status();
  EXPECT_NE(result.status().message().find(key), std::string::npos) << result.status();

  // Truncated: shorter than the size the metadata lists.
  ASSERT_TRUE(store_->Put(key, good.substr(0, good.size() - 10)).ok());
  result = ReadAll(ThreeColumnSchema(), segments);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status();
  EXPECT_NE(result.status().message().find(key), std::string::npos) << result.status();

  // Size unknown in the metadata (0): Head is used and the truncated footer is caught.
  std::vector<proto::SegmentPB> unsized = segments;
  unsized[0].set_size_bytes(0);
  result = ReadAll(ThreeColumnSchema(), unsized);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status();
  EXPECT_NE(result.status().message().find(key), std::string::npos) << result.status();

  // Row count different from the metadata.
  ASSERT_TRUE(store_->Put(key, good).ok());
  std::vector<proto::SegmentPB> miscounted = segments;
  miscounted[0].set_num_rows(199);
  result = ReadAll(ThreeColumnSchema(), miscounted);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status();

  ASSERT_TRUE(store_->Delete(key).ok());
  result = ReadAll(ThreeColumnSchema(), segments);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << result.status();
  EXPECT_NE(result.status().message().find(key), std::string::npos) << result.status();
}

}  // namespace
}  // namespace basalt::cn
