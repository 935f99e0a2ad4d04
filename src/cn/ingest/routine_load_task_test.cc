#include "cn/ingest/routine_load_task.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <set>

#include "cn/ingest/routine_load_service.h"
#include "cn/storage/tablet_reader.h"
#include "cn/storage/tablet_test_util.h"
#include "common/failpoint.h"
#include "common/io/memory_object_store.h"
#include "common/io/temp_dir_for_test.h"
#include "engine/distribution.h"
#include "engine/expr_codec.h"
#include "engine/functions.h"

namespace basalt::cn {
namespace {

// Messages per partition, served from the begin offsets like a broker would.
struct FakeTopic {
  std::map<int32_t, std::vector<std::pair<int64_t, std::string>>> messages;
  // Next offset reported at the end of a partition (e.g. past a trailing control record);
  // defaults to last offset + 1.
  std::map<int32_t, int64_t> end_offset;
  std::string pause_reason;
  Status error;  // Returned by ConsumeBatch (after the messages) when set.
  int batches = 0;
};

class FakeSource final : public KafkaBatchSource {
 public:
  FakeSource(FakeTopic* topic, KafkaTaskSource task) : topic_(topic), task_(std::move(task)) {}
  Result<KafkaBatch> ConsumeBatch(const KafkaConsumeLimits& limits, const KafkaMessageSink& sink) override {
    ++topic_->batches;
    KafkaBatch batch;
    bool stop = false;
    for (const auto& begin : task_.begin_offsets) {
      proto::KafkaPartitionProgressPB progress;
      progress.set_partition(begin.partition());
      progress.set_next_offset(begin.offset());
      progress.set_last_timestamp_ms(-1);
      bool at_end = true;
      for (const auto& [offset, payload] : topic_->messages[begin.partition()]) {
        if (offset < begin.offset()) continue;
        if (stop) {
          at_end = false;
          break;
        }
        ++batch.messages;
        batch.bytes += static_cast<int64_t>(payload.size());
        progress.set_next_offset(offset + 1);
        progress.set_last_timestamp_ms(1000 + offset);
        if (!sink(KafkaMessage{begin.partition(), offset, 1000 + offset, payload}) ||
            (limits.max_messages > 0 && batch.messages >= limits.max_messages)) {
          stop = true;
        }
      }
      auto end = topic_->end_offset.find(begin.partition());
      if (at_end && !stop && end != topic_->end_offset.end()) progress.set_next_offset(end->second);
      batch.progress.push_back(progress);
    }
    if (!topic_->error.ok()) return topic_->error;
    batch.pause_reason = topic_->pause_reason;
    batch.stop_reason = stop ? "rows" : "eof";
    return batch;
  }

 private:
  FakeTopic* topic_;
  KafkaTaskSource task_;
};

struct Harness {
  FakeTopic topic;
  std::shared_ptr<InMemoryObjectStore> store = std::make_shared<InMemoryObjectStore>();
  ScopedTempDir dir;
  RoutineLoadDeps deps;

  Harness() {
    deps.open_store = [this](const proto::VolumeSpecPB&) -> Result<std::shared_ptr<ObjectStore>> { return store; };
    deps.make_source = [this](const KafkaTaskSource& task) -> Result<std::unique_ptr<KafkaBatchSource>> {
      return std::unique_ptr<KafkaBatchSource>(std::make_unique<FakeSource>(&topic, task));
    };
    deps.error_log_dir = dir.path() + "/error_log";
  }
};

proto::TableSchemaPB SeedSchema() {
  proto::TableSchemaPB schema;
  schema.set_table_id(7);
  testing::AddColumn(&schema, 1, "uid", TypeId::kInt);
  testing::AddColumn(&schema, 2, "site", TypeId::kString);
  testing::AddColumn(&schema, 3, "vtime", TypeId::kBigInt);
  return schema;
}

void AddPartition(proto::LoadTargetPB* target, int64_t id, const std::string& bound, int tablets) {
  proto::PartitionTargetPB* p = target->add_partitions();
  p->set_partition_id(id);
  p->set_name("p" + std::to_string(id));
  if (bound.empty()) {
    p->set_max_value(true);
  } else {
    p->add_upper_bound(bound);
  }
  for (int t = 0; t < tablets; ++t) {
    proto::TabletTargetPB* tablet = p->add_tablets();
    tablet->set_tablet_id(id * 100 + t);
    tablet->set_prefix("db1/t7/p" + std::to_string(id) + "/tablet" + std::to_string(id * 100 + t) + "/");
  }
}

// Partitioned by vtime: p1 < 100 (2 tablets), p2 < 200 (3 tablets); HASH(uid).
proto::RoutineLoadTaskRequest SeedRequest() {
  proto::RoutineLoadTaskRequest request;
  request.set_job_id(11);
  request.set_job_name("site_clicks");
  request.set_task_id("5b1c-task");
  request.set_txn_id(77);
  request.mutable_source()->set_brokers("fake:9092");
  request.mutable_source()->set_topic("site_clicks");
  auto* b0 = request.add_begin_offsets();
  b0->set_partition(0);
  b0->set_offset(5);
  auto* b1 = request.add_begin_offsets();
  b1->set_partition(1);
  b1->set_offset(0);
  request.set_max_batch_rows(200000);
  request.set_max_consume_ms(1000);
  request.mutable_format()->set_format("json");
  for (const char* p : {"$.uid", "$.site", "$.vtime"}) request.mutable_format()->add_jsonpaths(p);
  proto::LoadTargetPB* target = request.mutable_target();
  target->mutable_volume()->set_type("LOCAL");
  *target->mutable_schema() = SeedSchema();
  target->add_partition_columns(2);
  AddPartition(target, 1, "100", 2);
  AddPartition(target, 2, "200", 3);
  target->set_distribution("HASH");
  target->add_distribution_columns(0);
  request.set_log_rejected_record_num(-1);
  return request;
}

std::string Event(int uid, int64_t vtime) {
  return "{ \"uid\": " + std::to_string(uid) + ", \"site\": \"https://docs.starrocks.io/" + std::to_string(uid) +
         "\", \"vtime\": " + std::to_string(vtime) + " } ";
}

Chunk ReadTablet(std::shared_ptr<ObjectStore> store, const proto::TableSchemaPB& schema,
                 const proto::TabletWriteResultPB& tablet) {
  std::vector<proto::SegmentPB> segments(tablet.rowset().segments().begin(), tablet.rowset().segments().end());
  auto reader = TabletReader::Make(store, schema, segments);
  EXPECT_TRUE(reader.ok()) << reader.status();
  Chunk all;
  Chunk chunk;
  while (true) {
    auto more = (*reader)->Next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    if (all.columns.empty()) {
      all = chunk;
    } else {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        for (size_t r = 0; r < chunk.num_rows; ++r) all.columns[c]->AppendFrom(*chunk.columns[c], r);
      }
      all.num_rows += chunk.num_rows;
    }
  }
  return all;
}

TEST(RoutineLoadTaskTest, ConsumesParsesRoutesAndWrites) {
  Harness h;
  // Partition 0: offsets 0..4 are before the begin offset; 5..9 are read. Partition 1: 0..6.
  for (int64_t o = 0; o < 10; ++o) h.topic.messages[0].push_back({o, Event(static_cast<int>(o), o * 19)});
  for (int64_t o = 0; o < 5; ++o) h.topic.messages[1].push_back({o, Event(static_cast<int>(100 + o), 150 + o)});
  h.topic.messages[1].push_back({5, Event(999, 500)});           // No partition: vtime >= 200.
  h.topic.messages[1].push_back({6, "{\"uid\": 1, \"site\": "});  // Malformed.
  h.topic.end_offset[1] = 8;                                     // A control record at 7.
  proto::RoutineLoadTaskRequest request = SeedRequest();

  auto response = RunRoutineLoadTask(request, h.deps);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status().code(), 0);
  EXPECT_TRUE(response->pause_reason().empty());
  ASSERT_EQ(response->progress_size(), 2);
  EXPECT_EQ(response->progress(0).partition(), 0);
  EXPECT_EQ(response->progress(0).next_offset(), 10);
  EXPECT_EQ(response->progress(0).last_timestamp_ms(), 1009);
  EXPECT_EQ(response->progress(1).partition(), 1);
  EXPECT_EQ(response->progress(1).next_offset(), 8);
  EXPECT_EQ(response->total_rows(), 12);
  EXPECT_EQ(response->error_rows(), 2);
  EXPECT_EQ(response->unselected_rows(), 0);
  EXPECT_GT(response->received_bytes(), 0);
  EXPECT_GT(response->loaded_bytes(), 0);
  ASSERT_EQ(response->error_samples_size(), 2);
  // Parse errors are found first, routing errors after the batch.
  EXPECT_NE(response->error_samples(0).find("malformed JSON"), std::string::npos) << response->error_samples(0);
  EXPECT_NE(response->error_samples(1).find("no partition"), std::string::npos) << response->error_samples(1);

  // Every row is in the tablet INSERT would have chosen.
  std::map<int64_t, std::pair<int, int>> where;  // tablet id -> (partition index, bucket)
  for (int p = 0; p < request.target().partitions_size(); ++p) {
    for (int t = 0; t < request.target().partitions(p).tablets_size(); ++t) {
      where[request.target().partitions(p).tablets(t).tablet_id()] = {p, t};
    }
  }
  int64_t rows = 0;
  std::set<int64_t> uids;
  for (const auto& tablet : response->tablets()) {
    ASSERT_TRUE(where.count(tablet.tablet_id()));
    auto [p, bucket] = where[tablet.tablet_id()];
    EXPECT_EQ(tablet.rowset().txn_id(), 77);
    EXPECT_FALSE(tablet.txn_log_key().empty());
    EXPECT_NE(tablet.txn_log_key().find("77_1"), std::string::npos) << tablet.txn_log_key();
    Chunk chunk = ReadTablet(h.store, request.target().schema(), tablet);
    ASSERT_EQ(static_cast<int64_t>(chunk.num_rows), tablet.rowset().num_rows());
    std::vector<uint32_t> buckets =
        HashBuckets(chunk, {0}, static_cast<uint32_t>(request.target().partitions(p).tablets_size()));
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      int64_t vtime = chunk.columns[2]->GetInt(r);
      EXPECT_EQ(p, vtime < 100 ? 0 : 1);
      EXPECT_EQ(static_cast<int>(buckets[r]), bucket);
      int64_t uid = chunk.columns[0]->GetInt(r);
      uids.insert(uid);
      EXPECT_EQ(chunk.columns[1]->GetString(r), "https://docs.starrocks.io/" + std::to_string(uid));
    }
    rows += static_cast<int64_t>(chunk.num_rows);
  }
  EXPECT_EQ(rows, 10);
  EXPECT_EQ(uids, (std::set<int64_t>{5, 6, 7, 8, 9, 100, 101, 102, 103, 104}));

  // The error log holds both rejected rows, one line each.
  EXPECT_EQ(response->error_log_file(), "error_log_11_77");
  auto log = HandleLoadErrorLog(response->error_log_file(), h.deps.error_log_dir);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(std::count(log->begin(), log->end(), '\n'), 2);
  EXPECT_NE(log->find("Error: no partition"), std::string::npos);
  EXPECT_NE(log->find("uid=999"), std::string::npos);
}

TEST(RoutineLoadTaskTest, AllErrorBatchWritesNothingButReportsProgress) {
  Harness h;
  h.topic.messages[0] = {{5, "garbage"}, {6, "{}x"}};
  h.topic.messages[1] = {};
  h.topic.end_offset[1] = 3;  // Only control records: the offset still moves.
  proto::RoutineLoadTaskRequest request = SeedRequest();
  request.set_log_rejected_record_num(0);
  auto response = RunRoutineLoadTask(request, h.deps);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status().code(), 0);
  EXPECT_EQ(response->tablets_size(), 0);
  EXPECT_EQ(h.store->object_count(), 0u);
  EXPECT_EQ(response->total_rows(), 2);
  EXPECT_EQ(response->error_rows(), 2);
  EXPECT_EQ(response->progress(0).next_offset(), 7);
  EXPECT_EQ(response->progress(1).next_offset(), 3);
  EXPECT_EQ(response->progress(1).last_timestamp_ms(), -1);
  EXPECT_EQ(response->error_samples_size(), 2);
  // log_rejected_record_num = 0 still logs (up to a default cap), as StarRocks' error log does.
  EXPECT_FALSE(response->error_log_file().empty());
  EXPECT_TRUE(std::filesystem::exists(h.deps.error_log_dir + "/error_log_11_77"));
}

TEST(RoutineLoadTaskTest, PauseReasonWritesNothing) {
  Harness h;
  h.topic.messages[0] = {{5, Event(1, 1)}};
  h.topic.pause_reason = "OFFSET_OUT_OF_RANGE: partition 1 offset 0 is below the log start offset 40";
  auto response = RunRoutineLoadTask(SeedRequest(), h.deps);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_NE(response->status().code(), 0);
  EXPECT_EQ(response->pause_reason(), h.topic.pause_reason);
  EXPECT_EQ(response->tablets_size(), 0);
  EXPECT_EQ(h.store->object_count(), 0u);
}

// Kafka refusing the job's settings (InvalidArgument: credentials rejected, e.g. a password changed
// while the job ran, or an invalid property) asks the FE to pause, whether the refusal comes while
// consuming (after messages were streamed) or when the consumer is made; a broker that is down
// (IOError) stays an error, so the task is retried.
TEST(RoutineLoadTaskTest, RefusedKafkaSettingsAskToPause) {
  const std::string refused =
      "authentication with Kafka brokers 'k:9093' failed (security.protocol SASL_PLAINTEXT): SASL authentication error";
  {
    Harness h;
    h.topic.messages[0] = {{5, Event(1, 1)}};
    h.topic.error = Status::InvalidArgument(refused);
    auto response = RunRoutineLoadTask(SeedRequest(), h.deps);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status().code(), static_cast<int32_t>(StatusCode::kInvalidArgument));
    EXPECT_EQ(response->pause_reason(), refused);
    EXPECT_EQ(response->tablets_size(), 0);
    EXPECT_EQ(response->total_rows(), 0);
  }
  {
    Harness h;
    h.deps.make_source = [&](const KafkaTaskSource&) -> Result<std::unique_ptr<KafkaBatchSource>> {
      return Status::InvalidArgument("invalid Kafka property 'sasl.mechanism'");
    };
    auto response = RunRoutineLoadTask(SeedRequest(), h.deps);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->pause_reason(), "invalid Kafka property 'sasl.mechanism'");
    EXPECT_EQ(h.store->object_count(), 0u);
  }
  {
    Harness h;
    h.topic.error = Status::IOError("no data from Kafka topic 'clicks' on Kafka brokers 'k:9092' within 1000 ms");
    auto response = RunRoutineLoadTask(SeedRequest(), h.deps);
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.status().code(), StatusCode::kIOError) << response.status();
  }
}

TEST(RoutineLoadTaskTest, MaxBatchRowsCountsParsedRows) {
  Harness h;
  // Three rows per message: the batch stops after the message that reaches 5 rows.
  for (int64_t o = 0; o < 10; ++o) {
    h.topic.messages[0].push_back({o, "[" + Event(1, 1) + "," + Event(2, 2) + "," + Event(3, 3) + "]"});
  }
  proto::RoutineLoadTaskRequest request = SeedRequest();
  request.mutable_begin_offsets(0)->set_offset(0);
  request.mutable_begin_offsets()->RemoveLast();
  request.mutable_format()->set_strip_outer_array(true);
  request.set_max_batch_rows(5);
  auto response = RunRoutineLoadTask(request, h.deps);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->total_rows(), 6);
  ASSERT_EQ(response->progress_size(), 1);
  EXPECT_EQ(response->progress(0).next_offset(), 2);
}

TEST(RoutineLoadTaskTest, DerivedColumnsAndWhereReportUnselectedRows) {
  Harness h;
  for (int64_t o = 0; o < 6; ++o) h.topic.messages[0].push_back({o, Event(static_cast<int>(o), o)});
  h.topic.messages[0].push_back({6, "{oops"});
  proto::RoutineLoadTaskRequest request = SeedRequest();
  request.mutable_begin_offsets(0)->set_offset(0);
  request.mutable_begin_offsets()->RemoveLast();
  // COLUMNS (uid, site, t, vtime = t * 10) WHERE uid >= 2, jsonpaths $.uid, $.site, $.vtime.
  proto::RoutineLoadFormatPB* format = request.mutable_format();
  for (const char* name : {"uid", "site", "t"}) format->add_load_columns()->set_name(name);
  ExprPtr t = std::make_shared<ColumnRefExpr>(2, DataType::Varchar());
  auto times = ResolveFunction("*", {DataType::Varchar(), DataType::BigInt()});
  ASSERT_TRUE(times.ok());
  ExprPtr vtime = std::make_shared<FunctionExpr>(
      "*", times->kernel, std::vector<ExprPtr>{t, std::make_shared<LiteralExpr>(Value::Int(10))}, times->result_type);
  proto::LoadColumnPB* derived = format->add_load_columns();
  derived->set_name("vtime");
  *derived->mutable_expr() = *ExprToPB(*vtime);
  auto ge = ResolveFunction(">=", {DataType::Int(), DataType::BigInt()});
  ASSERT_TRUE(ge.ok());
  ExprPtr where = std::make_shared<FunctionExpr>(
      ">=", ge->kernel,
      std::vector<ExprPtr>{std::make_shared<ColumnRefExpr>(0, DataType::Int()),
                           std::make_shared<LiteralExpr>(Value::Int(2))},
      ge->result_type);
  *format->mutable_where() = *ExprToPB(*where);

  auto response = RunRoutineLoadTask(request, h.deps);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->total_rows(), 7);
  EXPECT_EQ(response->error_rows(), 1);
  EXPECT_EQ(response->unselected_rows(), 2);
  std::set<std::pair<int64_t, int64_t>> rows;  // (uid, vtime)
  for (const auto& tablet : response->tablets()) {
    Chunk chunk = ReadTablet(h.store, request.target().schema(), tablet);
    for (size_t r = 0; r < chunk.num_rows; ++r) rows.insert({chunk.columns[0]->GetInt(r), chunk.columns[2]->GetInt(r)});
  }
  // The derived vtime (not the message's) is what was loaded and routed.
  EXPECT_EQ(rows, (std::set<std::pair<int64_t, int64_t>>{{2, 20}, {3, 30}, {4, 40}, {5, 50}}));
}

TEST(RoutineLoadTaskTest, UnpartitionedRandomAndAllowedPartitions) {
  Harness h;
  for (int64_t o = 0; o < 9; ++o) h.topic.messages[0].push_back({o, Event(static_cast<int>(o), o)});
  proto::RoutineLoadTaskRequest request = SeedRequest();
  request.mutable_begin_offsets(0)->set_offset(0);
  request.mutable_begin_offsets()->RemoveLast();
  proto::LoadTargetPB* target = request.mutable_target();
  target->clear_partition_columns();
  target->clear_partitions();
  AddPartition(target, 3, "", 3);
  target->set_distribution("RANDOM");
  target->clear_distribution_columns();
  auto response = RunRoutineLoadTask(request, h.deps);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->tablets_size(), 3);
  for (const auto& t : response->tablets()) EXPECT_EQ(t.rowset().num_rows(), 3);

  // Only partition 1 allowed: rows of partition 2 are error rows.
  Harness h2;
  for (int64_t o = 0; o < 4; ++o) h2.topic.messages[0].push_back({o, Event(static_cast<int>(o), o * 60)});
  proto::RoutineLoadTaskRequest r2 = SeedRequest();
  r2.mutable_begin_offsets(0)->set_offset(0);
  r2.mutable_begin_offsets()->RemoveLast();
  r2.mutable_target()->add_allowed_partitions(1);
  r2.set_log_rejected_record_num(1);
  auto second = RunRoutineLoadTask(r2, h2.deps);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->total_rows(), 4);
  EXPECT_EQ(second->error_rows(), 2);  // vtime 120 and 180.
  auto log = HandleLoadErrorLog(second->error_log_file(), h2.deps.error_log_dir);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(std::count(log->begin(), log->end(), '\n'), 1);  // log_rejected_record_num = 1
  EXPECT_NE(log->find("PARTITION list"), std::string::npos);
}

TEST(RoutineLoadTaskTest, BadRequestsFailBeforeConsuming) {
  Harness h;
  proto::RoutineLoadTaskRequest request = SeedRequest();
  request.mutable_format()->set_format("avro");
  EXPECT_EQ(RunRoutineLoadTask(request, h.deps).status().code(), StatusCode::kInvalidArgument);
  request = SeedRequest();
  request.mutable_target()->mutable_partitions(0)->set_upper_bound(0, "not a number");
  EXPECT_EQ(RunRoutineLoadTask(request, h.deps).status().code(), StatusCode::kInvalidArgument);
  request = SeedRequest();
  request.clear_begin_offsets();
  EXPECT_EQ(RunRoutineLoadTask(request, h.deps).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.topic.batches, 0);
}

TEST(RoutineLoadTaskTest, FailpointAfterWrite) {
  Harness h;
  h.topic.messages[0] = {{5, Event(1, 1)}};
  ASSERT_TRUE(SetFailpointsForTest("cn_routine_load_after_write=error").ok());
  auto response = RunRoutineLoadTask(SeedRequest(), h.deps);
  ASSERT_TRUE(SetFailpointsForTest("").ok());
  EXPECT_FALSE(response.ok());
  EXPECT_GT(h.store->object_count(), 0u);  // Written, then failed before answering.
}

TEST(RoutineLoadServiceTest, ErrorLogNamesAreValidated) {
  ScopedTempDir dir;
  {
    std::ofstream(dir.path() + "/error_log_1_2") << "Error: x. Row: y\n";
    std::ofstream(dir.path() + "/secret") << "no";
  }
  auto ok = HandleLoadErrorLog("error_log_1_2", dir.path());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, "Error: x. Row: y\n");
  EXPECT_EQ(HandleLoadErrorLog("error_log_9_9", dir.path()).status().code(), StatusCode::kNotFound);
  for (const char* bad : {"secret", "../error_log_1_2", "error_log_1_2/../secret", "error_log_..", "error_log_",
                          "error_log_1 2", "", "/etc/passwd", "error_log_%2e%2e"}) {
    EXPECT_EQ(HandleLoadErrorLog(bad, dir.path()).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RoutineLoadServiceTest, AnswersErrorsInStatus) {
  Harness h;
  RoutineLoadServiceImpl service(h.deps);
  proto::RoutineLoadTaskRequest request = SeedRequest();
  request.clear_begin_offsets();
  proto::RoutineLoadTaskResponse response;
  grpc::Status status = service.RunRoutineLoadTask(nullptr, &request, &response);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(response.status().code(), static_cast<int32_t>(StatusCode::kInvalidArgument));
  EXPECT_FALSE(response.status().message().empty());

  h.topic.messages[0] = {{5, Event(1, 1)}};
  request = SeedRequest();
  response.Clear();
  EXPECT_TRUE(service.RunRoutineLoadTask(nullptr, &request, &response).ok());
  EXPECT_EQ(response.status().code(), 0);
  EXPECT_EQ(response.tablets_size(), 1);
}

}  // namespace
}  // namespace basalt::cn
