#include "fe/cluster/compute_node_manager.h"

#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace basalt::fe {
namespace {

using std::chrono::milliseconds;

// A scripted CnClient: every endpoint is "down" (connection refused) until the test brings it up.
class FakeCnClient final : public CnClient {
 public:
  Result<proto::HeartbeatResponse> Heartbeat(const std::string& host, int port,
                                             const proto::HeartbeatRequest& request,
                                             milliseconds timeout) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    const std::string key = host + ":" + std::to_string(port);
    auto it = script_.find(key);
    if (it == script_.end()) {
      return Status::IOError("connect to " + key + " failed: Connection refused");
    }
    return it->second;
  }

  void Forget(const std::string& host, int port) override {
    std::lock_guard lock(mu_);
    forgotten_.push_back(host + ":" + std::to_string(port));
  }

  void Up(const std::string& host, int port, proto::HeartbeatResponse response) {
    std::lock_guard lock(mu_);
    script_.insert_or_assign(host + ":" + std::to_string(port),
                             Result<proto::HeartbeatResponse>(std::move(response)));
  }
  void Fail(const std::string& host, int port, Status error) {
    std::lock_guard lock(mu_);
    script_.insert_or_assign(host + ":" + std::to_string(port),
                             Result<proto::HeartbeatResponse>(std::move(error)));
  }
  void Down(const std::string& host, int port) {
    std::lock_guard lock(mu_);
    script_.erase(host + ":" + std::to_string(port));
  }
  std::vector<proto::HeartbeatRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<std::string> forgotten() const {
    std::lock_guard lock(mu_);
    return forgotten_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Result<proto::HeartbeatResponse>> script_;
  std::vector<proto::HeartbeatRequest> requests_;
  std::vector<std::string> forgotten_;
};

proto::HeartbeatResponse HealthyResponse() {
  proto::HeartbeatResponse response;
  response.mutable_status()->set_code(0);
  response.set_be_port(9060);
  response.set_http_port(8040);
  response.set_brpc_port(8060);
  response.set_starlet_port(9070);
  response.set_heartbeat_port(9050);
  response.set_version("basalt-0.1.0");
  response.set_cpu_cores(8);
  response.set_mem_used_pct(1.953);
  response.set_cpu_used_pct(12.34);
  response.set_num_running_queries(3);
  response.set_process_start_time_ms(1718000000000);
  response.set_has_storage_path(true);
  return response;
}

constexpr int64_t kNow = 1718031441000;

class ComputeNodeManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = std::make_unique<FakeCnClient>();
    fake_ = fake.get();
    ComputeNodeManagerOptions options;
    options.fe_host = "fe-host";
    options.fe_rpc_port = 9020;
    options.cluster_id = 77;
    options.heartbeat_interval_ms = 20;
    options.heartbeat_timeout_ms = 1000;
    options.heartbeat_retry_times = 3;
    options.now_ms = [] { return kNow; };
    manager_ = std::make_unique<ComputeNodeManager>(std::move(options), std::move(fake));
  }

  std::map<std::string, std::string> Row(size_t index) {
    ShowComputeNodesResult show = manager_->ShowComputeNodes();
    EXPECT_LT(index, show.rows.size());
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < show.columns.size(); ++i) row[show.columns[i]] = show.rows[index][i];
    return row;
  }

  FakeCnClient* fake_ = nullptr;
  std::unique_ptr<ComputeNodeManager> manager_;
};

TEST_F(ComputeNodeManagerTest, ColumnsAreStarRocks33SharedDataSetInOrder) {
  const std::vector<std::string> expected = {
      "ComputeNodeId", "IP", "HeartbeatPort", "BePort", "HttpPort", "BrpcPort", "LastStartTime",
      "LastHeartbeat", "Alive", "SystemDecommissioned", "ClusterDecommissioned", "ErrMsg",
      "Version", "CpuCores", "NumRunningQueries", "MemUsedPct", "CpuUsedPct", "HasStoragePath",
      "StarletPort", "WorkerId", "WarehouseName", "TabletNum"};
  EXPECT_EQ(manager_->ShowComputeNodes().columns, expected);
  EXPECT_TRUE(manager_->ShowComputeNodes().rows.empty());
}

TEST_F(ComputeNodeManagerTest, RegisteredNodeIsNotAliveUntilFirstHeartbeat) {
  ASSERT_TRUE(manager_->AddNode(10001, "starrocks-cn", 9050).ok());
  auto row = Row(0);
  EXPECT_EQ(row["ComputeNodeId"], "10001");
  EXPECT_EQ(row["IP"], "starrocks-cn");
  EXPECT_EQ(row["HeartbeatPort"], "9050");
  EXPECT_EQ(row["BePort"], "-1");
  EXPECT_EQ(row["HttpPort"], "-1");
  EXPECT_EQ(row["BrpcPort"], "-1");
  EXPECT_EQ(row["LastStartTime"], "NULL");
  EXPECT_EQ(row["LastHeartbeat"], "NULL");
  EXPECT_EQ(row["Alive"], "false");
  EXPECT_EQ(row["SystemDecommissioned"], "false");
  EXPECT_EQ(row["ClusterDecommissioned"], "false");
  EXPECT_EQ(row["ErrMsg"], "");
  EXPECT_EQ(row["Version"], "");
  EXPECT_EQ(row["CpuCores"], "0");
  EXPECT_EQ(row["NumRunningQueries"], "0");
  EXPECT_EQ(row["MemUsedPct"], "0.00 %");
  EXPECT_EQ(row["CpuUsedPct"], "0.0 %");
  EXPECT_EQ(row["HasStoragePath"], "false");
  EXPECT_EQ(row["StarletPort"], "0");
  EXPECT_EQ(row["WorkerId"], "10001");
  EXPECT_EQ(row["WarehouseName"], "default_warehouse");
  EXPECT_EQ(row["TabletNum"], "0");
  EXPECT_TRUE(manager_->AliveNodes().empty());

  // The process is not up yet: still not alive, and ErrMsg says why right away.
  manager_->RunHeartbeatRound();
  row = Row(0);
  EXPECT_EQ(row["Alive"], "false");
  EXPECT_EQ(row["ErrMsg"], "connect to starrocks-cn:9050 failed: Connection refused");

  // The process comes up: alive on the next round, with everything it reported.
  fake_->Up("starrocks-cn", 9050, HealthyResponse());
  manager_->RunHeartbeatRound();
  row = Row(0);
  EXPECT_EQ(row["Alive"], "true");
  EXPECT_EQ(row["ErrMsg"], "");
  EXPECT_EQ(row["BePort"], "9060");
  EXPECT_EQ(row["HttpPort"], "8040");
  EXPECT_EQ(row["BrpcPort"], "8060");
  EXPECT_EQ(row["StarletPort"], "9070");
  EXPECT_EQ(row["Version"], "basalt-0.1.0");
  EXPECT_EQ(row["CpuCores"], "8");
  EXPECT_EQ(row["NumRunningQueries"], "3");
  EXPECT_EQ(row["MemUsedPct"], "1.95 %");
  EXPECT_EQ(row["CpuUsedPct"], "12.3 %");
  EXPECT_EQ(row["HasStoragePath"], "true");
  EXPECT_EQ(row["LastStartTime"], FormatShowTime(1718000000000));
  EXPECT_EQ(row["LastHeartbeat"], FormatShowTime(kNow));
  ASSERT_EQ(manager_->AliveNodes().size(), 1u);
  EXPECT_EQ(manager_->AliveNodes()[0].id, 10001);
}

TEST_F(ComputeNodeManagerTest, AliveNodeDiesOnlyAfterRetryTimesConsecutiveFailures) {
  ASSERT_TRUE(manager_->AddNode(1, "10.0.0.1", 9050).ok());
  fake_->Up("10.0.0.1", 9050, HealthyResponse());
  manager_->RunHeartbeatRound();
  ASSERT_TRUE(manager_->GetNode(1)->alive);

  fake_->Fail("10.0.0.1", 9050,
              Status::TimedOut("heartbeat to 10.0.0.1:9050 timed out after 1000 ms"));
  manager_->RunHeartbeatRound();
  manager_->RunHeartbeatRound();
  ComputeNodeInfo node = *manager_->GetNode(1);
  EXPECT_TRUE(node.alive) << "two failures must not be enough";
  EXPECT_EQ(node.consecutive_failures, 2);
  EXPECT_EQ(node.err_msg, "");

  manager_->RunHeartbeatRound();
  node = *manager_->GetNode(1);
  EXPECT_FALSE(node.alive);
  EXPECT_EQ(node.err_msg, "heartbeat to 10.0.0.1:9050 timed out after 1000 ms");
  EXPECT_TRUE(manager_->AliveNodes().empty());
  // Runtime fields from the last good heartbeat stay visible while the node is down.
  EXPECT_EQ(node.be_port, 9060);
  EXPECT_EQ(node.last_heartbeat_ms, kNow);

  // One success brings it back and clears the failure state.
  fake_->Up("10.0.0.1", 9050, HealthyResponse());
  manager_->RunHeartbeatRound();
  node = *manager_->GetNode(1);
  EXPECT_TRUE(node.alive);
  EXPECT_EQ(node.consecutive_failures, 0);
  EXPECT_EQ(node.err_msg, "");
}

TEST_F(ComputeNodeManagerTest, FailureStreakIsResetBySuccess) {
  ASSERT_TRUE(manager_->AddNode(1, "h", 9050).ok());
  fake_->Up("h", 9050, HealthyResponse());
  manager_->RunHeartbeatRound();
  for (int i = 0; i < 5; ++i) {
    fake_->Down("h", 9050);
    manager_->RunHeartbeatRound();
    manager_->RunHeartbeatRound();
    fake_->Up("h", 9050, HealthyResponse());
    manager_->RunHeartbeatRound();
    EXPECT_TRUE(manager_->GetNode(1)->alive);
  }
}

TEST_F(ComputeNodeManagerTest, RefusalByTheCnCountsAsFailure) {
  ASSERT_TRUE(manager_->AddNode(1, "h", 9050).ok());
  proto::HeartbeatResponse refused = HealthyResponse();
  refused.mutable_status()->set_code(1);
  refused.mutable_status()->set_message("cluster id mismatch");
  fake_->Up("h", 9050, refused);
  manager_->RunHeartbeatRound();
  ComputeNodeInfo node = *manager_->GetNode(1);
  EXPECT_FALSE(node.alive);
  EXPECT_EQ(node.err_msg, "heartbeat refused by h:9050: cluster id mismatch");
  EXPECT_EQ(node.be_port, -1);
}

TEST_F(ComputeNodeManagerTest, RequestCarriesFeIdentityAndNodeId) {
  ASSERT_TRUE(manager_->AddNode(10002, "h", 9050).ok());
  manager_->RunHeartbeatRound();
  auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].fe_host(), "fe-host");
  EXPECT_EQ(requests[0].fe_rpc_port(), 9020);
  EXPECT_EQ(requests[0].cluster_id(), 77);
  EXPECT_EQ(requests[0].node_id(), 10002);
  EXPECT_EQ(requests[0].send_time_ms(), kNow);
}

TEST_F(ComputeNodeManagerTest, AddNodeValidatesAndIsIdempotentForReplay) {
  EXPECT_EQ(manager_->AddNode(1, "", 9050).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->AddNode(1, "h", 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->AddNode(1, "h", 65536).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(manager_->AddNode(1, "h", 9050).ok());
  EXPECT_TRUE(manager_->AddNode(1, "h", 9050).ok());  // Same entry applied twice.
  EXPECT_EQ(manager_->AddNode(1, "other", 9050).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(manager_->AddNode(2, "h", 9050).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(manager_->Nodes().size(), 1u);
  EXPECT_EQ(manager_->FindNode("h", 9050), std::optional<int64_t>(1));
  EXPECT_EQ(manager_->FindNode("h", 9051), std::nullopt);
}

TEST_F(ComputeNodeManagerTest, RemoveNodeForgetsConnectionAndState) {
  ASSERT_TRUE(manager_->AddNode(1, "h", 9050).ok());
  fake_->Up("h", 9050, HealthyResponse());
  manager_->RunHeartbeatRound();
  EXPECT_TRUE(manager_->RemoveNode(1));
  EXPECT_FALSE(manager_->RemoveNode(1));
  EXPECT_EQ(manager_->GetNode(1), std::nullopt);
  EXPECT_EQ(fake_->forgotten(), std::vector<std::string>{"h:9050"});

  // Re-adding starts from scratch: not alive until a heartbeat says otherwise.
  ASSERT_TRUE(manager_->AddNode(1, "h", 9050).ok());
  EXPECT_FALSE(manager_->GetNode(1)->alive);
  EXPECT_EQ(manager_->GetNode(1)->be_port, -1);
}

TEST_F(ComputeNodeManagerTest, RowsAreOrderedByIpThenBePort) {
  ASSERT_TRUE(manager_->AddNode(3, "10.0.0.2", 9050).ok());
  ASSERT_TRUE(manager_->AddNode(1, "10.0.0.9", 9050).ok());
  ASSERT_TRUE(manager_->AddNode(2, "10.0.0.1", 9050).ok());
  ShowComputeNodesResult show = manager_->ShowComputeNodes();
  ASSERT_EQ(show.rows.size(), 3u);
  EXPECT_EQ(show.rows[0][1], "10.0.0.1");
  EXPECT_EQ(show.rows[1][1], "10.0.0.2");
  EXPECT_EQ(show.rows[2][1], "10.0.0.9");
  for (const auto& row : show.rows) EXPECT_EQ(row.size(), show.columns.size());
}

TEST_F(ComputeNodeManagerTest, HeartbeatThreadFlipsLivenessBothWays) {
  ASSERT_TRUE(manager_->AddNode(1, "h", 9050).ok());
  manager_->Start();
  EXPECT_TRUE(manager_->WaitForAlive(1, false, milliseconds(5000)));
  fake_->Up("h", 9050, HealthyResponse());
  EXPECT_TRUE(manager_->WaitForAlive(1, true, milliseconds(5000)));
  fake_->Down("h", 9050);
  EXPECT_TRUE(manager_->WaitForAlive(1, false, milliseconds(5000)));
  EXPECT_EQ(manager_->GetNode(1)->err_msg, "connect to h:9050 failed: Connection refused");
  manager_->Stop();
  manager_->Stop();
}

TEST_F(ComputeNodeManagerTest, WaitForAliveTimesOutForUnknownNode) {
  EXPECT_FALSE(manager_->WaitForAlive(42, true, milliseconds(50)));
}

TEST(ComputeNodeManagerOptionsTest, ReadsConfigAndRejectsNonsense) {
  Config config(ComputeNodeManagerConfigKeys());
  config.Set("heartbeat_interval_ms", "100");
  config.Set("heartbeat_retry_times", "5");
  auto options = ComputeNodeManagerOptionsFromConfig(config);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->heartbeat_interval_ms, 100);
  EXPECT_EQ(options->heartbeat_timeout_ms, 5000);
  EXPECT_EQ(options->heartbeat_retry_times, 5);
  config.Set("heartbeat_retry_times", "0");
  EXPECT_FALSE(ComputeNodeManagerOptionsFromConfig(config).ok());
  config.Set("heartbeat_retry_times", "3");
  config.Set("heartbeat_timeout_ms", "-1");
  EXPECT_FALSE(ComputeNodeManagerOptionsFromConfig(config).ok());
}

TEST(ShowFormatTest, TimesAndPercentages) {
  // Pin the zone so the expected strings do not depend on the machine.
  const char* old_tz = std::getenv("TZ");
  std::string saved = old_tz ? old_tz : "";
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(FormatShowTime(1718031441000), "2024-06-10 14:57:21");
  EXPECT_EQ(FormatShowTime(0), "NULL");
  EXPECT_EQ(FormatShowTime(-1), "NULL");
  if (old_tz) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  EXPECT_EQ(FormatPct2(1.953), "1.95 %");
  EXPECT_EQ(FormatPct2(0), "0.00 %");
  EXPECT_EQ(FormatPct1(12.34), "12.3 %");
  EXPECT_EQ(FormatPct1(100), "100.0 %");
}

}  // namespace
}  // namespace basalt::fe
