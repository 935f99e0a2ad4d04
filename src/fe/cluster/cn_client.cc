#include "fe/cluster/cn_client.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <grpcpp/grpcpp.h>

#include "cn_service.grpc.pb.h"

namespace basalt::fe {
namespace {

std::string Target(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

class GrpcCnClient final : public CnClient {
 public:
  explicit GrpcCnClient(std::chrono::milliseconds max_backoff) : max_backoff_(max_backoff) {}

  Result<proto::HeartbeatResponse> Heartbeat(const std::string& host, int port,
                                             const proto::HeartbeatRequest& request,
                                             std::chrono::milliseconds timeout) override {
    const std::string target = Target(host, port);
    std::shared_ptr<grpc::Channel> channel = ChannelFor(target);
    auto stub = proto::HeartbeatService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    proto::HeartbeatResponse response;
    grpc::Status status = stub->Heartbeat(&context, request, &response);
    if (status.ok()) return response;
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
        return Status::IOError("connect to " + target + " failed: " + status.error_message());
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return Status::TimedOut("heartbeat to " + target + " timed out after " +
                                std::to_string(timeout.count()) + " ms");
      default:
        return Status::IOError("heartbeat to " + target + " failed (gRPC code " +
                               std::to_string(static_cast<int>(status.error_code())) +
                               "): " + status.error_message());
    }
  }

  void Forget(const std::string& host, int port) override {
    std::lock_guard lock(mu_);
    channels_.erase(Target(host, port));
  }

 private:
  std::shared_ptr<grpc::Channel> ChannelFor(const std::string& target) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(target);
    if (it != channels_.end()) return it->second;
    grpc::ChannelArguments args;
    const int backoff_ms = static_cast<int>(max_backoff_.count());
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(backoff_ms, 100));
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, std::min(backoff_ms, 100));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, backoff_ms);
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    channels_.emplace(target, channel);
    return channel;
  }

  const std::chrono::milliseconds max_backoff_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;  // Guarded by mu_.
};

}  // namespace

std::unique_ptr<CnClient> MakeGrpcCnClient(std::chrono::milliseconds max_reconnect_backoff) {
  return std::make_unique<GrpcCnClient>(max_reconnect_backoff);
}

}  // namespace basalt::fe
