#include "cn/storage/tablet_writer.h"

#include <gtest/gtest.h>

#include "cn/storage/segment/segment_reader.h"
#include "cn/storage/tablet_test_util.h"
#include "common/io/fault_injecting_object_store.h"
#include "common/io/memory_object_store.h"

namespace basalt::cn {
namespace {

using testing::ThreeColumnRows;
using testing::ThreeColumnSchema;

TabletWriteTarget Target() {
  TabletWriteTarget t;
  t.tablet_id = 10005;
  t.prefix = "db1/t2/p3/tablet10005/";
  t.txn_id = 77;
  t.writer_id = 2;
  return t;
}

TEST(TabletWriterTest, CutsSegmentsAndWritesTxnLog) {
  auto store = std::make_shared<InMemoryObjectStore>();
  TabletWriteOptions options;
  options.max_segment_rows = 400;
  options.create_time_ms = 1234;
  auto result = WriteTabletRows(*store, Target(), ThreeColumnSchema(), ThreeColumnRows(1000), options);
  ASSERT_TRUE(result.ok()) << result.status();

  const proto::RowsetPB& rowset = result->rowset;
  EXPECT_EQ(rowset.txn_id(), 77);
  EXPECT_EQ(rowset.num_rows(), 1000);
  ASSERT_EQ(rowset.segments_size(), 3);
  const int64_t expected_rows[] = {400, 400, 200};
  int64_t total_size = 0;
  for (int i = 0; i < 3; ++i) {
    const proto::SegmentPB& seg = rowset.segments(i);
    EXPECT_EQ(seg.key(), "db1/t2/p3/tablet10005/data/77_2_" + std::to_string(i) + ".seg");
    EXPECT_EQ(seg.num_rows(), expected_rows[i]);
    EXPECT_EQ(seg.schema_version(), 3);
    auto bytes = store->Get(seg.key());
    ASSERT_TRUE(bytes.ok() && bytes->has_value());
    EXPECT_EQ(static_cast<int64_t>((*bytes)->size()), seg.size_bytes());
    total_size += seg.size_bytes();
    // Segment columns are named by unique id and typed as the schema says.
    auto reader = segment::SegmentReader::Open(**bytes);
    ASSERT_TRUE(reader.ok()) << reader.status();
    ASSERT_EQ((*reader)->schema().size(), 3u);
    EXPECT_EQ((*reader)->schema()[0].name, "1");
    EXPECT_EQ((*reader)->schema()[1].name, "2");
    EXPECT_EQ((*reader)->schema()[1].type, DataType::Varchar(32));
    EXPECT_EQ((*reader)->schema()[2].name, "5");
    auto all = (*reader)->ReadAll({});
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->columns[0]->GetInt(0), i * 400);
  }
  EXPECT_EQ(rowset.data_size(), total_size);

  EXPECT_EQ(result->txn_log_key, "db1/t2/p3/tablet10005/log/77_2.txnlog");
  auto log_bytes = store->Get(result->txn_log_key);
  ASSERT_TRUE(log_bytes.ok() && log_bytes->has_value());
  proto::TxnLogPB log;
  ASSERT_TRUE(log.ParseFromString(**log_bytes));
  EXPECT_EQ(log.tablet_id(), 10005);
  EXPECT_EQ(log.txn_id(), 77);
  EXPECT_EQ(log.writer_id(), 2);
  EXPECT_EQ(log.create_time_ms(), 1234);
  EXPECT_EQ(log.rowset().SerializeAsString(), rowset.SerializeAsString());
}

TEST(TabletWriterTest, EmptyChunkWritesOnlyTheTxnLog) {
  auto store = std::make_shared<InMemoryObjectStore>();
  auto result = WriteTabletRows(*store, Target(), ThreeColumnSchema(), ThreeColumnRows(0));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rowset.segments_size(), 0);
  EXPECT_EQ(result->rowset.num_rows(), 0);
  auto keys = store->ListAll();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].key, "db1/t2/p3/tablet10005/log/77_2.txnlog");
}

TEST(TabletWriterTest, RetryRewritesTheSameKeys) {
  auto store = std::make_shared<InMemoryObjectStore>();
  TabletWriteOptions options;
  options.max_segment_rows = 100;
  auto first = WriteTabletRows(*store, Target(), ThreeColumnSchema(), ThreeColumnRows(250), options);
  ASSERT_TRUE(first.ok());
  auto second = WriteTabletRows(*store, Target(), ThreeColumnSchema(), ThreeColumnRows(250), options);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->rowset.segments_size(), second->rowset.segments_size());
  for (int i = 0; i < first->rowset.segments_size(); ++i) {
    EXPECT_EQ(first->rowset.segments(i).key(), second->rowset.segments(i).key());
    EXPECT_EQ(first->rowset.segments(i).size_bytes(), second->rowset.segments(i).size_bytes());
  }
  auto keys = store->ListAll();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 4u);  // 3 segments + 1 txn log.
}

TEST(TabletWriterTest, StreamingAppendsWriteTheSameObjectsAsOneShot) {
  // Appends of odd sizes that straddle segment cuts: the objects must be byte-identical to one
  // WriteTabletRows of the concatenated rows, and each full segment is Put as soon as it fills.
  TabletWriteOptions options;
  options.max_segment_rows = 100;
  options.create_time_ms = 99;
  const Chunk all = ThreeColumnRows(333);
  auto one_shot_store = std::make_shared<InMemoryObjectStore>();
  auto one_shot = WriteTabletRows(*one_shot_store, Target(), ThreeColumnSchema(), all, options);
  ASSERT_TRUE(one_shot.ok()) << one_shot.status();

  auto store = std::make_shared<InMemoryObjectStore>();
  auto writer = TabletRowsetWriter::Make(*store, Target(), ThreeColumnSchema(), options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  size_t begin = 0;
  for (size_t n : {0, 37, 63, 150, 1, 82}) {
    ASSERT_TRUE((*writer)->Append(all.Slice(begin, begin + n)).ok());
    begin += n;
    auto keys = store->ListAll();
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->size(), begin / 100) << "after " << begin << " rows";
  }
  ASSERT_EQ(begin, 333u);
  auto streamed = (*writer)->Finish();
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(streamed->rowset.SerializeAsString(), one_shot->rowset.SerializeAsString());
  EXPECT_EQ(streamed->txn_log_key, one_shot->txn_log_key);
  auto keys = one_shot_store->ListAll();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 5u);  // 4 segments + the txn log.
  for (const auto& entry : *keys) {
    auto want = one_shot_store->Get(entry.key);
    auto got = store->Get(entry.key);
    ASSERT_TRUE(want.ok() && got.ok() && want->has_value() && got->has_value()) << entry.key;
    EXPECT_EQ(**got, **want) << entry.key;
  }
  EXPECT_EQ((*writer)->Append(all).code(), StatusCode::kInternal);  // Used after Finish.
}

TEST(TabletWriterTest, AppendOfPositionsGathersThoseRows) {
  // Positions in any order, across segment cuts: the same objects as appending Take(positions).
  TabletWriteOptions options;
  options.max_segment_rows = 64;
  options.create_time_ms = 5;
  const Chunk all = ThreeColumnRows(300);
  std::vector<uint32_t> positions;
  for (uint32_t r = 0; r < 300; r += 3) positions.push_back(299 - r);
  auto taken_store = std::make_shared<InMemoryObjectStore>();
  auto taken = WriteTabletRows(*taken_store, Target(), ThreeColumnSchema(), all.Take(positions), options);
  ASSERT_TRUE(taken.ok()) << taken.status();

  auto store = std::make_shared<InMemoryObjectStore>();
  auto writer = TabletRowsetWriter::Make(*store, Target(), ThreeColumnSchema(), options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(all, std::span<const uint32_t>(positions).first(70)).ok());
  ASSERT_TRUE((*writer)->Append(all, std::span<const uint32_t>(positions).subspan(70)).ok());
  auto gathered = (*writer)->Finish();
  ASSERT_TRUE(gathered.ok()) << gathered.status();
  EXPECT_EQ(gathered->rowset.SerializeAsString(), taken->rowset.SerializeAsString());
  for (const auto& segment : taken->rowset.segments()) {
    auto want = taken_store->Get(segment.key());
    auto got = store->Get(segment.key());
    ASSERT_TRUE(want.ok() && got.ok() && want->has_value() && got->has_value()) << segment.key();
    EXPECT_EQ(**got, **want) << segment.key();
  }

  auto bad = TabletRowsetWriter::Make(*store, Target(), ThreeColumnSchema(), options);
  ASSERT_TRUE(bad.ok());
  const std::vector<uint32_t> outside = {1, 300};
  EXPECT_EQ((*bad)->Append(all, outside).code(), StatusCode::kInvalidArgument);
}

TEST(TabletWriterTest, CompressionFromSchema) {
  auto store = std::make_shared<InMemoryObjectStore>();
  proto::TableSchemaPB schema = ThreeColumnSchema();
  for (const char* name : {"", "LZ4", "zstd", "NONE"}) {
    schema.set_compression(name);
    EXPECT_TRUE(WriteTabletRows(*store, Target(), schema, ThreeColumnRows(50)).ok()) << name;
  }
  schema.set_compression("SNAPPY");
  auto bad = WriteTabletRows(*store, Target(), schema, ThreeColumnRows(50));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("SNAPPY"), std::string::npos);
}

TEST(TabletWriterTest, RejectsBadInput) {
  auto store = std::make_shared<InMemoryObjectStore>();
  TabletWriteTarget target = Target();
  target.prefix = "db1/t2";
  EXPECT_EQ(WriteTabletRows(*store, target, ThreeColumnSchema(), ThreeColumnRows(5)).status().code(),
            StatusCode::kInvalidArgument);
  Chunk two_columns = ThreeColumnRows(5);
  two_columns.columns.pop_back();
  EXPECT_EQ(WriteTabletRows(*store, Target(), ThreeColumnSchema(), two_columns).status().code(),
            StatusCode::kInvalidArgument);
  proto::TableSchemaPB dup = ThreeColumnSchema();
  dup.mutable_columns(2)->set_unique_id(1);
  EXPECT_EQ(WriteTabletRows(*store, Target(), dup, ThreeColumnRows(5)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteTabletRows(*store, Target(), proto::TableSchemaPB(), Chunk()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TabletWriterTest, StoreErrorNamesTheKeyAndSkipsTheLog) {
  auto base = std::make_shared<InMemoryObjectStore>();
  FaultInjectingObjectStore store(base);
  FaultRule rule;
  rule.ops = static_cast<uint32_t>(ObjectStoreOp::kPut);
  rule.key_glob = "*_1.seg";
  store.AddFault(rule);
  TabletWriteOptions options;
  options.max_segment_rows = 10;
  auto result = WriteTabletRows(store, Target(), ThreeColumnSchema(), ThreeColumnRows(30), options);
  EXPECT_EQ(result.status().code(), StatusCode::kIOError);
  EXPECT_NE(result.status().message().find("data/77_2_1.seg"), std::string::npos) << result.status();
  auto log = base->Head(TxnLogKey(Target()));
  ASSERT_TRUE(log.ok());
  EXPECT_FALSE(log->has_value());
}

}  // namespace
}  // namespace basalt::cn
