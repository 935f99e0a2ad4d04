// ComputeNodeManager over real gRPC: an in-process heartbeat server on an ephemeral port stands in
// for a compute node.
#include "fe/cluster/cn_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "cn_service.grpc.pb.h"
#include "fe/cluster/compute_node_manager.h"

// gRPC resolves names with the system c-ares, which keeps one small allocation for the life of the
// process; LeakSanitizer would report it at exit. It is not ours and not a growing leak.
extern "C" const char* __lsan_default_suppressions() { return "leak:libcares.so\n"; }

namespace basalt::fe {
namespace {

using std::chrono::milliseconds;

class TestHeartbeatService final : public proto::HeartbeatService::Service {
 public:
  grpc::Status Heartbeat(grpc::ServerContext*, const proto::HeartbeatRequest* request,
                         proto::HeartbeatResponse* response) override {
    last_node_id.store(request->node_id());
    response->mutable_status()->set_code(0);
    response->set_be_port(19060);
    response->set_http_port(18040);
    response->set_brpc_port(18060);
    response->set_starlet_port(19070);
    response->set_version("basalt-test");
    response->set_cpu_cores(4);
    response->set_process_start_time_ms(1718000000000);
    return grpc::Status::OK;
  }
  std::atomic<int64_t> last_node_id{0};
};

// A heartbeat server on 127.0.0.1:port (0 = any free port).
struct TestCn {
  explicit TestCn(int port = 0) {
    grpc::ServerBuilder builder;
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureServerCredentials(), &bound_port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  ~TestCn() { Shutdown(); }
  void Shutdown() {
    if (server) {
      server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
      server->Wait();
      server.reset();
    }
  }
  TestHeartbeatService service;
  int bound_port = 0;
  std::unique_ptr<grpc::Server> server;
};

// A loopback port that nothing listens on right now.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

ComputeNodeManagerOptions FastOptions() {
  ComputeNodeManagerOptions options;
  options.cluster_id = 5;
  options.heartbeat_interval_ms = 100;
  options.heartbeat_timeout_ms = 2000;
  options.heartbeat_retry_times = 2;
  return options;
}

TEST(GrpcCnClientTest, HeartbeatRoundTrip) {
  TestCn cn;
  ASSERT_NE(cn.server, nullptr);
  auto client = MakeGrpcCnClient();
  proto::HeartbeatRequest request;
  request.set_node_id(10001);
  auto response = client->Heartbeat("127.0.0.1", cn.bound_port, request, milliseconds(5000));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->be_port(), 19060);
  EXPECT_EQ(cn.service.last_node_id.load(), 10001);
  // Hostnames are resolved by gRPC.
  response = client->Heartbeat("localhost", cn.bound_port, request, milliseconds(5000));
  EXPECT_TRUE(response.ok()) << response.status();
}

TEST(GrpcCnClientTest, UnreachableNodeNamesTheAddress) {
  auto client = MakeGrpcCnClient();
  const int port = UnusedPort();
  auto response =
      client->Heartbeat("127.0.0.1", port, proto::HeartbeatRequest(), milliseconds(5000));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message().rfind("connect to 127.0.0.1:" + std::to_string(port) +
                                                  " failed: ",
                                              0),
            0u)
      << response.status().message();
}

TEST(ComputeNodeManagerGrpcTest, NodeRegisteredBeforeItsProcessBecomesAliveThenDies) {
  ComputeNodeManager manager(FastOptions(), MakeGrpcCnClient(milliseconds(200)));
  const int port = UnusedPort();
  ASSERT_TRUE(manager.AddNode(10001, "127.0.0.1", port).ok());
  manager.Start();

  // Nothing listens yet: not alive, with a readable reason.
  ASSERT_TRUE(manager.WaitForAlive(10001, false, milliseconds(5000)));
  for (int i = 0; i < 100 && manager.GetNode(10001)->err_msg.empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_NE(manager.GetNode(10001)->err_msg.find("connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << manager.GetNode(10001)->err_msg;

  // The CN process starts on the registered port.
  auto cn = std::make_unique<TestCn>(port);
  ASSERT_NE(cn->server, nullptr) << "port " << port << " was taken meanwhile";
  ASSERT_TRUE(manager.WaitForAlive(10001, true, milliseconds(10000)));
  ComputeNodeInfo node = *manager.GetNode(10001);
  EXPECT_EQ(node.be_port, 19060);
  EXPECT_EQ(node.http_port, 18040);
  EXPECT_EQ(node.version, "basalt-test");
  EXPECT_EQ(node.err_msg, "");
  EXPECT_EQ(cn->service.last_node_id.load(), 10001);
  ASSERT_EQ(manager.AliveNodes().size(), 1u);

  // It stops: after heartbeat_retry_times failures it is not alive again.
  cn->Shutdown();
  ASSERT_TRUE(manager.WaitForAlive(10001, false, milliseconds(10000)));
  EXPECT_FALSE(manager.GetNode(10001)->err_msg.empty());
  EXPECT_TRUE(manager.AliveNodes().empty());
  manager.Stop();
}

}  // namespace
}  // namespace basalt::fe
