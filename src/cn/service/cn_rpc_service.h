// CnRpcServiceImpl: the CN's main RPC service on be_port (proto/cn_service.proto, CnService).
//
// Only Ping exists so far; plan fragments and ingest tasks are added here as they land.
// Thread-safety: stateless apart from the immutable version string; gRPC may call it concurrently.
#pragma once

#include <string>
#include <utility>

#include "cn_service.grpc.pb.h"

namespace basalt::cn {

class CnRpcServiceImpl final : public proto::CnService::Service {
 public:
  explicit CnRpcServiceImpl(std::string version) : version_(std::move(version)) {}

  grpc::Status Ping(grpc::ServerContext* context, const proto::PingRequest* request,
                    proto::PingResponse* response) override;

 private:
  const std::string version_;
};

}  // namespace basalt::cn
