// CnService WriteTablets / ScanTablets through a real gRPC channel against a CnServer on port 0,
// with a LOCAL storage volume and the data cache in temporary directories.
#include <filesystem>
#include <string>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "cn/cache/data_cache.h"
#include "cn/service/cn_server.h"
#include "cn_service.grpc.pb.h"
#include "common/failpoint.h"
#include "common/io/temp_dir_for_test.h"
#include "engine/chunk_codec.h"

namespace basalt::cn {
namespace {

class CnRpcServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CnOptions options;
    options.host = "127.0.0.1";
    options.be_port = 0;
    options.http_port = 0;
    options.heartbeat_port = 0;
    options.version = "basalt-test";
    options.storage_root_path = dir_.path() + "/storage";
    options.datacache_disk_path = options.storage_root_path + "/datacache";
    options.datacache_disk_size = "64M";
    server_ = std::make_unique<CnServer>(options);
    ASSERT_TRUE(server_->Start().ok());
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(256 << 20);
    args.SetMaxSendMessageSize(256 << 20);
    stub_ = proto::CnService::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(server_->be_port()), grpc::InsecureChannelCredentials(), args));
  }
  void TearDown() override { ASSERT_TRUE(SetFailpointsForTest("").ok()); }

  proto::VolumeSpecPB Volume(const std::string& subdir = "volume") {
    proto::VolumeSpecPB v;
    v.set_id(11);
    v.set_name("builtin_storage_volume");
    v.set_type("LOCAL");
    v.set_location("file://" + dir_.path() + "/" + subdir);
    return v;
  }

  static proto::TableSchemaPB Schema() {
    proto::TableSchemaPB schema;
    schema.set_table_id(3);
    schema.set_schema_version(1);
    auto add = [&](int32_t id, const char* name, TypeId type) {
      proto::ColumnSchemaPB* c = schema.add_columns();
      c->set_unique_id(id);
      c->set_name(name);
      c->set_type_id(static_cast<int32_t>(type));
      c->set_nullable(true);
    };
    add(0, "id", TypeId::kBigInt);
    add(1, "name", TypeId::kString);
    return schema;
  }

  // rows: id = base + i, name = "n<i>" or NULL for every 5th.
  static proto::ChunkPB Rows(int rows, int64_t base) {
    Chunk chunk;
    chunk.columns = {Column::Make(DataType::BigInt()), Column::Make(DataType::String())};
    for (int i = 0; i < rows; ++i) {
      chunk.columns[0]->AppendInt(base + i);
      if (i % 5 == 4) {
        chunk.columns[1]->AppendNull();
      } else {
        chunk.columns[1]->AppendString("n" + std::to_string(i));
      }
    }
    chunk.num_rows = static_cast<size_t>(rows);
    return ChunkToPB(chunk);
  }

  proto::WriteTabletsRequest WriteRequest(int64_t txn) {
    proto::WriteTabletsRequest request;
    request.set_txn_id(txn);
    request.set_writer_id(1);
    *request.mutable_volume() = Volume();
    *request.mutable_schema() = Schema();
    proto::TabletRowsPB* a = request.add_tablets();
    a->set_tablet_id(100);
    a->set_prefix("db1/t3/p2/tablet100/");
    *a->mutable_rows() = Rows(300, 0);
    proto::TabletRowsPB* b = request.add_tablets();
    b->set_tablet_id(101);
    b->set_prefix("db1/t3/p2/tablet101/");
    *b->mutable_rows() = Rows(0, 0);
    return request;
  }

  grpc::Status Write(const proto::WriteTabletsRequest& request, proto::WriteTabletsResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->WriteTablets(&context, request, response);
  }

  // All chunks of a scan, plus the final status (code 0 when the stream ended cleanly).
  struct ScanResult {
    std::vector<Chunk> chunks;
    proto::CnRpcStatus status;
  };
  ScanResult Scan(const proto::ScanTabletsRequest& request, const std::vector<DataType>& types) {
    ScanResult result;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto reader = stub_->ScanTablets(&context, request);
    proto::ScanTabletsResponse response;
    while (reader->Read(&response)) {
      if (response.status().code() != 0) {
        result.status = response.status();
        continue;
      }
      auto chunk = ChunkFromPB(response.chunk(), types);
      EXPECT_TRUE(chunk.ok()) << chunk.status();
      if (chunk.ok()) result.chunks.push_back(std::move(chunk).value());
    }
    EXPECT_TRUE(reader->Finish().ok());
    return result;
  }

  ScopedTempDir dir_;
  std::unique_ptr<CnServer> server_;
  std::unique_ptr<proto::CnService::Stub> stub_;
};

TEST_F(CnRpcServiceTest, WriteThenScan) {
  proto::WriteTabletsResponse response;
  ASSERT_TRUE(Write(WriteRequest(9), &response).ok());
  ASSERT_EQ(response.status().code(), 0) << response.status().message();
  ASSERT_EQ(response.tablets_size(), 2);
  const proto::TabletWriteResultPB& a = response.tablets(0);
  EXPECT_EQ(a.tablet_id(), 100);
  EXPECT_EQ(a.rowset().num_rows(), 300);
  ASSERT_EQ(a.rowset().segments_size(), 1);
  EXPECT_EQ(a.rowset().segments(0).key(), "db1/t3/p2/tablet100/data/9_1_0.seg");
  EXPECT_EQ(a.txn_log_key(), "db1/t3/p2/tablet100/log/9_1.txnlog");
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet100/data/9_1_0.seg"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet100/log/9_1.txnlog"));
  EXPECT_EQ(response.tablets(1).tablet_id(), 101);
  EXPECT_EQ(response.tablets(1).rowset().segments_size(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet101/log/9_1.txnlog"));
  // Ingest wrote through the data cache.
  ASSERT_NE(server_->data_cache(), nullptr);
  EXPECT_GT(server_->data_cache()->stats().blocks, 0u);

  proto::ScanTabletsRequest scan;
  *scan.mutable_volume() = Volume();
  *scan.mutable_schema() = Schema();
  for (const proto::TabletWriteResultPB& t : response.tablets()) {
    proto::ScanTabletPB* tablet = scan.add_tablets();
    tablet->set_tablet_id(t.tablet_id());
    *tablet->mutable_segments() = t.rowset().segments();
  }
  scan.set_batch_rows(64);
  ScanResult result = Scan(scan, {DataType::BigInt(), DataType::String()});
  EXPECT_EQ(result.status.code(), 0) << result.status.message();
  int64_t next = 0;
  for (const Chunk& chunk : result.chunks) {
    EXPECT_LE(chunk.num_rows, 64u);
    for (size_t r = 0; r < chunk.num_rows; ++r, ++next) {
      ASSERT_EQ(chunk.columns[0]->GetInt(r), next);
      if (next % 5 == 4) {
        EXPECT_TRUE(chunk.columns[1]->IsNull(r));
      } else {
        EXPECT_EQ(chunk.columns[1]->GetString(r), "n" + std::to_string(next));
      }
    }
  }
  EXPECT_EQ(next, 300);
  // Served from the cache, and its metrics are on /metrics.
  EXPECT_GT(server_->data_cache()->stats().hits, 0);
  EXPECT_NE(server_->metrics().RenderPrometheus().find("basalt_datacache_"), std::string::npos);

  // Projection: only `name`, by unique id.
  scan.add_columns(1);
  result = Scan(scan, {DataType::String()});
  EXPECT_EQ(result.status.code(), 0) << result.status.message();
  size_t rows = 0;
  for (const Chunk& chunk : result.chunks) rows += chunk.num_rows;
  EXPECT_EQ(rows, 300u);
}

TEST_F(CnRpcServiceTest, BadRequestsAnswerInCnRpcStatus) {
  // A chunk whose value count does not match num_rows.
  proto::WriteTabletsRequest bad_chunk = WriteRequest(10);
  bad_chunk.mutable_tablets(1)->mutable_rows()->set_num_rows(2);
  proto::WriteTabletsResponse response;
  ASSERT_TRUE(Write(bad_chunk, &response).ok());
  EXPECT_EQ(response.status().code(), static_cast<int>(StatusCode::kInvalidArgument));
  EXPECT_NE(response.status().message().find("tablet 101"), std::string::npos) << response.status().message();
  EXPECT_EQ(response.tablets_size(), 0);
  // Validation happens before any write: tablet 100 left nothing behind.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet100/log/10_1.txnlog"));

  proto::WriteTabletsRequest bad_volume = WriteRequest(11);
  bad_volume.mutable_volume()->set_type("HDFS");
  ASSERT_TRUE(Write(bad_volume, &response).ok());
  EXPECT_EQ(response.status().code(), static_cast<int>(StatusCode::kNotSupported));
  EXPECT_NE(response.status().message().find("builtin_storage_volume"), std::string::npos);

  proto::WriteTabletsRequest no_schema = WriteRequest(12);
  no_schema.clear_schema();
  ASSERT_TRUE(Write(no_schema, &response).ok());
  EXPECT_EQ(response.status().code(), static_cast<int>(StatusCode::kInvalidArgument));

  // A scan of a segment that does not exist ends the stream with an error naming the object.
  proto::ScanTabletsRequest scan;
  *scan.mutable_volume() = Volume();
  *scan.mutable_schema() = Schema();
  proto::SegmentPB* seg = scan.add_tablets()->add_segments();
  seg->set_key("db1/t3/p2/tablet100/data/404_1_0.seg");
  seg->set_num_rows(5);
  seg->set_size_bytes(1000);
  ScanResult result = Scan(scan, {DataType::BigInt(), DataType::String()});
  EXPECT_NE(result.status.code(), 0);
  EXPECT_NE(result.status.message().find("404_1_0.seg"), std::string::npos) << result.status.message();

  // The server keeps serving.
  ASSERT_TRUE(Write(WriteRequest(13), &response).ok());
  EXPECT_EQ(response.status().code(), 0) << response.status().message();
}

TEST_F(CnRpcServiceTest, FailpointAfterSegmentsFailsTheRequest) {
  ASSERT_TRUE(SetFailpointsForTest("cn_write_after_segments=error").ok());
  proto::WriteTabletsResponse response;
  ASSERT_TRUE(Write(WriteRequest(20), &response).ok());
  EXPECT_EQ(response.status().code(), static_cast<int>(StatusCode::kIOError));
  EXPECT_EQ(response.status().message(), "failpoint cn_write_after_segments");
  // The objects were written before the failpoint.
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet100/log/20_1.txnlog"));

  ASSERT_TRUE(SetFailpointsForTest("cn_write_before_segments=error").ok());
  ASSERT_TRUE(Write(WriteRequest(21), &response).ok());
  EXPECT_EQ(response.status().code(), static_cast<int>(StatusCode::kIOError));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet100/data/21_1_0.seg"));
}

TEST_F(CnRpcServiceTest, ChangedVolumeSpecReopensTheStore) {
  proto::WriteTabletsResponse response;
  ASSERT_TRUE(Write(WriteRequest(30), &response).ok());
  ASSERT_EQ(response.status().code(), 0);
  // Same volume id, new location (ALTER STORAGE VOLUME): the next write lands there.
  proto::WriteTabletsRequest moved = WriteRequest(31);
  *moved.mutable_volume() = Volume("moved");
  ASSERT_TRUE(Write(moved, &response).ok());
  ASSERT_EQ(response.status().code(), 0) << response.status().message();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/moved/db1/t3/p2/tablet100/data/31_1_0.seg"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/volume/db1/t3/p2/tablet100/data/31_1_0.seg"));
}

}  // namespace
}  // namespace basalt::cn
