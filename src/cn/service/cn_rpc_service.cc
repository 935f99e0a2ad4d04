#include "cn/service/cn_rpc_service.h"

namespace basalt::cn {

grpc::Status CnRpcServiceImpl::Ping(grpc::ServerContext* context, const proto::PingRequest* request,
                                    proto::PingResponse* response) {
  response->mutable_status()->set_code(0);
  response->set_version(version_);
  return grpc::Status::OK;
}

}  // namespace basalt::cn
