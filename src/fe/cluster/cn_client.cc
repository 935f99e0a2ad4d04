#include "fe/cluster/cn_client.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <grpcpp/grpcpp.h>

#include "cn_service.grpc.pb.h"
#include "routine_load.grpc.pb.h"

namespace basalt::fe {
namespace {

std::string Target(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Status TransportError(const grpc::Status& status, const std::string& what, const std::string& target,
                      std::chrono::milliseconds timeout) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return Status::IOError("connect to " + target + " failed: " + status.error_message());
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status::TimedOut(what + " to " + target + " timed out after " + std::to_string(timeout.count()) + " ms");
    default:
      return Status::IOError(what + " to " + target + " failed (gRPC code " +
                             std::to_string(static_cast<int>(status.error_code())) + "): " + status.error_message());
  }
}

// The CN's verdict as a Status (codes are basalt::StatusCode values).
Status FromCnStatus(const proto::CnRpcStatus& status, const std::string& target) {
  if (status.code() == 0) return Status::OK();
  return Status(static_cast<StatusCode>(status.code()), "compute node " + target + ": " + status.message());
}

// Large enough for a load batch; the CN raises its limits to match.
constexpr int kMaxMessageBytes = 256 << 20;

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
    return TransportError(status, "heartbeat", target, timeout);
  }

  Result<proto::WriteTabletsResponse> WriteTablets(const std::string& host, int port,
                                                   const proto::WriteTabletsRequest& request,
                                                   std::chrono::milliseconds timeout) override {
    return Unary<proto::CnService, proto::WriteTabletsResponse>(host, port, "WriteTablets", timeout,
                                                                &proto::CnService::Stub::WriteTablets, request);
  }

  Result<proto::KafkaMetaResponse> GetKafkaMeta(const std::string& host, int port,
                                                const proto::KafkaMetaRequest& request,
                                                std::chrono::milliseconds timeout) override {
    return Unary<proto::RoutineLoadService, proto::KafkaMetaResponse>(
        host, port, "GetKafkaMeta", timeout, &proto::RoutineLoadService::Stub::GetKafkaMeta, request);
  }

  Result<proto::RoutineLoadTaskResponse> RunRoutineLoadTask(const std::string& host, int port,
                                                            const proto::RoutineLoadTaskRequest& request,
                                                            std::chrono::milliseconds timeout) override {
    return Unary<proto::RoutineLoadService, proto::RoutineLoadTaskResponse>(
        host, port, "RunRoutineLoadTask", timeout, &proto::RoutineLoadService::Stub::RunRoutineLoadTask, request);
  }

  Status ScanTablets(const std::string& host, int port, const proto::ScanTabletsRequest& request,
                     std::chrono::milliseconds timeout,
                     const std::function<Status(proto::ChunkPB&&)>& on_chunk) override {
    const std::string target = Target(host, port);
    auto stub = proto::CnService::NewStub(ChannelFor(target));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    std::unique_ptr<grpc::ClientReader<proto::ScanTabletsResponse>> reader = stub->ScanTablets(&context, request);
    proto::ScanTabletsResponse response;
    Status result;
    while (reader->Read(&response)) {
      result = FromCnStatus(response.status(), target);
      if (result.ok()) result = on_chunk(std::move(*response.mutable_chunk()));
      if (!result.ok()) {
        context.TryCancel();
        break;
      }
    }
    grpc::Status status = reader->Finish();
    if (!result.ok()) return result;
    if (!status.ok()) return TransportError(status, "ScanTablets", target, timeout);
    return Status::OK();
  }

  void Forget(const std::string& host, int port) override {
    std::lock_guard lock(mu_);
    channels_.erase(Target(host, port));
  }

 private:
  // One unary call with a deadline; transport failures become a Status naming host:port.
  template <class Service, class Response, class Method, class Request>
  Result<Response> Unary(const std::string& host, int port, const char* what, std::chrono::milliseconds timeout,
                         Method method, const Request& request) {
    const std::string target = Target(host, port);
    auto stub = Service::NewStub(ChannelFor(target));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    Response response;
    grpc::Status status = ((*stub).*method)(&context, request, &response);
    if (!status.ok()) return TransportError(status, what, target, timeout);
    return response;
  }

  std::shared_ptr<grpc::Channel> ChannelFor(const std::string& target) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(target);
    if (it != channels_.end()) return it->second;
    grpc::ChannelArguments args;
    const int backoff_ms = static_cast<int>(max_backoff_.count());
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(backoff_ms, 100));
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, std::min(backoff_ms, 100));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, backoff_ms);
    args.SetMaxReceiveMessageSize(kMaxMessageBytes);
    args.SetMaxSendMessageSize(kMaxMessageBytes);
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    channels_.emplace(target, channel);
    return channel;
  }

  const std::chrono::milliseconds max_backoff_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;  // Guarded by mu_.
};

}  // namespace

Result<proto::WriteTabletsResponse> CnClient::WriteTablets(const std::string&, int, const proto::WriteTabletsRequest&,
                                                           std::chrono::milliseconds) {
  return Status::NotSupported("this client cannot write tablets");
}

Status CnClient::ScanTablets(const std::string&, int, const proto::ScanTabletsRequest&, std::chrono::milliseconds,
                             const std::function<Status(proto::ChunkPB&&)>&) {
  return Status::NotSupported("this client cannot scan tablets");
}

Result<proto::KafkaMetaResponse> CnClient::GetKafkaMeta(const std::string&, int, const proto::KafkaMetaRequest&,
                                                        std::chrono::milliseconds) {
  return Status::NotSupported("this client cannot reach Kafka through a compute node");
}

Result<proto::RoutineLoadTaskResponse> CnClient::RunRoutineLoadTask(const std::string&, int,
                                                                    const proto::RoutineLoadTaskRequest&,
                                                                    std::chrono::milliseconds) {
  return Status::NotSupported("this client cannot run routine load tasks");
}

std::unique_ptr<CnClient> MakeGrpcCnClient(std::chrono::milliseconds max_reconnect_backoff) {
  return std::make_unique<GrpcCnClient>(max_reconnect_backoff);
}

}  // namespace basalt::fe
