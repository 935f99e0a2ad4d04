#include "cn/service/cn_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "cn_service.grpc.pb.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt::cn {
namespace {

CnOptions EphemeralOptions() {
  CnOptions options;
  options.host = "127.0.0.1";
  options.be_port = 0;
  options.http_port = 0;
  options.heartbeat_port = 0;
  options.brpc_port = 18060;
  options.starlet_port = 19070;
  options.version = "basalt-test";
  return options;
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  (void)send(fd, request.data(), request.size(), 0);
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) response.append(buf, n);
  close(fd);
  return response;
}

grpc::Status CallHeartbeat(int port, int64_t cluster_id, proto::HeartbeatResponse* response,
                           const std::string& fe_host = "10.0.0.1") {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                     grpc::InsecureChannelCredentials());
  auto stub = proto::HeartbeatService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  proto::HeartbeatRequest request;
  request.set_fe_host(fe_host);
  request.set_fe_rpc_port(9020);
  request.set_cluster_id(cluster_id);
  request.set_node_id(10001);
  return stub->Heartbeat(&context, request, response);
}

TEST(CnServerTest, ServesHeartbeatPingHealthAndMetrics) {
  CnServer server(EphemeralOptions());
  ASSERT_TRUE(server.Start().ok());
  ASSERT_GT(server.be_port(), 0);
  ASSERT_GT(server.http_port(), 0);
  ASSERT_GT(server.heartbeat_port(), 0);
  EXPECT_FALSE(server.first_fe().has_value());

  server.running_queries()->Set(2);
  proto::HeartbeatResponse response;
  grpc::Status rpc = CallHeartbeat(server.heartbeat_port(), 42, &response);
  ASSERT_TRUE(rpc.ok()) << rpc.error_message();
  EXPECT_EQ(response.status().code(), 0) << response.status().message();
  EXPECT_EQ(response.be_port(), server.be_port());
  EXPECT_EQ(response.http_port(), server.http_port());
  EXPECT_EQ(response.heartbeat_port(), server.heartbeat_port());
  EXPECT_EQ(response.brpc_port(), 18060);
  EXPECT_EQ(response.starlet_port(), 19070);
  EXPECT_EQ(response.version(), "basalt-test");
  EXPECT_GE(response.cpu_cores(), 1);
  EXPECT_EQ(response.num_running_queries(), 2);
  EXPECT_GT(response.process_start_time_ms(), 1'600'000'000'000);
  EXPECT_GT(response.mem_used_pct(), 0.0);
  EXPECT_LE(response.mem_used_pct(), 100.0);
  EXPECT_FALSE(response.has_storage_path());

  auto fe = server.first_fe();
  ASSERT_TRUE(fe.has_value());
  EXPECT_EQ(fe->host, "10.0.0.1");
  EXPECT_EQ(fe->rpc_port, 9020);
  EXPECT_EQ(fe->cluster_id, 42);
  EXPECT_EQ(fe->node_id, 10001);

  // Ping on be_port.
  auto stub = proto::CnService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.be_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  proto::PingResponse ping;
  ASSERT_TRUE(stub->Ping(&context, proto::PingRequest(), &ping).ok());
  EXPECT_EQ(ping.version(), "basalt-test");

  std::string health = HttpGet(server.http_port(), "/api/health");
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u) << health;
  EXPECT_NE(health.find(R"({"status":"OK"})"), std::string::npos) << health;

  std::string metrics = HttpGet(server.http_port(), "/metrics");
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200", 0), 0u) << metrics;
  EXPECT_NE(metrics.find("# TYPE basalt_cn_running_queries gauge"), std::string::npos);
  EXPECT_NE(metrics.find("basalt_cn_running_queries 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("basalt_cn_heartbeats_total{result=\"accepted\"} 1\n"), std::string::npos)
      << metrics;
  server.Stop();
}

TEST(CnServerTest, RefusesHeartbeatFromAnotherCluster) {
  CnServer server(EphemeralOptions());
  ASSERT_TRUE(server.Start().ok());
  proto::HeartbeatResponse first;
  ASSERT_TRUE(CallHeartbeat(server.heartbeat_port(), 42, &first).ok());
  ASSERT_EQ(first.status().code(), 0);

  proto::HeartbeatResponse other;
  ASSERT_TRUE(CallHeartbeat(server.heartbeat_port(), 7, &other, "10.0.0.9").ok());
  EXPECT_NE(other.status().code(), 0);
  EXPECT_NE(other.status().message().find("cluster id mismatch"), std::string::npos)
      << other.status().message();
  // The first FE stays the recorded one.
  EXPECT_EQ(server.first_fe()->host, "10.0.0.1");

  // A new leader of the same cluster is accepted.
  proto::HeartbeatResponse leader_change;
  ASSERT_TRUE(CallHeartbeat(server.heartbeat_port(), 42, &leader_change, "10.0.0.2").ok());
  EXPECT_EQ(leader_change.status().code(), 0);
  EXPECT_EQ(server.first_fe()->host, "10.0.0.1");
}

TEST(CnServerTest, PortInUseFailsWithClearMessageAndReleasesOtherPorts) {
  CnServer first(EphemeralOptions());
  ASSERT_TRUE(first.Start().ok());

  CnOptions clash = EphemeralOptions();
  clash.heartbeat_port = first.heartbeat_port();
  CnServer second(clash);
  Status st = second.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(first.heartbeat_port())),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("heartbeat_service_port"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("in use"), std::string::npos) << st.message();

  CnOptions http_clash = EphemeralOptions();
  http_clash.http_port = first.http_port();
  CnServer third(http_clash);
  st = third.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("be_http_port"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(std::to_string(first.http_port())), std::string::npos)
      << st.message();

  // The first CN is unaffected.
  proto::HeartbeatResponse response;
  ASSERT_TRUE(CallHeartbeat(first.heartbeat_port(), 1, &response).ok());
  EXPECT_EQ(response.status().code(), 0);
}

TEST(CnServerTest, StopIsIdempotent) {
  CnServer server(EphemeralOptions());
  ASSERT_TRUE(server.Start().ok());
  int http_port = server.http_port();
  server.Stop();
  server.Stop();
  EXPECT_EQ(HttpGet(http_port, "/api/health"), "");
}

TEST(CnOptionsTest, ReadsStarRocksKeysWithFlagOverrides) {
  Config config(CnConfigKeys());
  ASSERT_TRUE(config
                  .ParseText("be_port = 19060\nheartbeat_service_port = 19050\n"
                             "storage_root_path = /data/cache\nJAVA_OPTS = -Xmx1g\n",
                             "cn.conf")
                  .ok());
  config.Set("be_http_port", "18040");  // As a --be_http_port flag would.
  auto options = CnOptionsFromConfig(config);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "127.0.0.1");
  EXPECT_EQ(options->be_port, 19060);
  EXPECT_EQ(options->http_port, 18040);
  EXPECT_EQ(options->heartbeat_port, 19050);
  EXPECT_EQ(options->brpc_port, 8060);
  EXPECT_EQ(options->starlet_port, 9070);
  EXPECT_EQ(options->storage_root_path, "/data/cache");
  EXPECT_EQ(options->version, CnVersion());
  EXPECT_EQ(config.UnknownKeys(), std::vector<std::string>{"JAVA_OPTS"});
}

TEST(CnOptionsTest, RejectsBadPort) {
  Config config(CnConfigKeys());
  config.Set("be_port", "70000");
  auto options = CnOptionsFromConfig(config);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.status().message().find("be_port"), std::string::npos);
  config.Set("be_port", "abc");
  EXPECT_FALSE(CnOptionsFromConfig(config).ok());
}

TEST(CnOptionsTest, DataCacheKeys) {
  Config config(CnConfigKeys());
  auto options = CnOptionsFromConfig(config);
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options->datacache_enabled());  // No storage_root_path, no datacache_disk_path.
  EXPECT_EQ(options->datacache_disk_size, "10%");

  config.Set("storage_root_path", "/data/cn");
  options = CnOptionsFromConfig(config);
  ASSERT_TRUE(options.ok());
  EXPECT_TRUE(options->datacache_enabled());
  EXPECT_EQ(options->datacache_disk_path, "/data/cn/datacache");

  config.Set("datacache_disk_path", "/ssd/cache");
  config.Set("datacache_disk_size", "200G");
  options = CnOptionsFromConfig(config);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->datacache_disk_path, "/ssd/cache");
  EXPECT_EQ(options->datacache_disk_size, "200G");

  config.Set("datacache_enable", "false");
  options = CnOptionsFromConfig(config);
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options->datacache_enabled());
  config.Set("datacache_enable", "maybe");
  EXPECT_FALSE(CnOptionsFromConfig(config).ok());
}

TEST(CnServerTest, BadDataCacheSizeFailsStart) {
  ScopedTempDir dir;
  CnOptions options = EphemeralOptions();
  options.datacache_disk_path = dir.path() + "/cache";
  options.datacache_disk_size = "lots";
  CnServer server(options);
  Status st = server.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("datacache_disk_size"), std::string::npos) << st.message();
}

TEST(ProcessStatsTest, FiguresAreInRange) {
  ProcessStats stats;
  EXPECT_GE(stats.CpuCores(), 1);
  EXPECT_GT(stats.ResidentBytes(), 0);
  EXPECT_GT(stats.MemUsedPct(), 0.0);
  EXPECT_LE(stats.MemUsedPct(), 100.0);
  volatile double sink = 0;
  for (int i = 0; i < 1000000; ++i) sink = sink + i;
  const double cpu = stats.SampleCpuUsedPct();
  EXPECT_GE(cpu, 0.0);
  EXPECT_LE(cpu, 100.0);
}

}  // namespace
}  // namespace basalt::cn
