// CnClient: how the FE reaches a compute node's heartbeat service.
//
// An interface so ComputeNodeManager's state machine is tested without sockets (a scripted fake)
// and the real transport (gRPC) stays in one place.
//
// Contract for Heartbeat(): returns the CN's response when the RPC completed, whatever the CN put
// in response.status (interpreting a refusal is the caller's job). Returns a non-OK Status only
// when the call itself failed: the node is unreachable, the name does not resolve, or the deadline
// passed. The message must read well in SHOW COMPUTE NODES' ErrMsg and name host:port, e.g.
// "connect to 127.0.0.1:9050 failed: Connection refused". Heartbeats are idempotent, so the caller
// may retry freely.
//
// Thread-safety: implementations must allow concurrent calls (one per node per round).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "cn_service.pb.h"
#include "common/status.h"

namespace basalt::fe {

class CnClient {
 public:
  virtual ~CnClient() = default;

  // host may be an IP literal or a hostname; a hostname is resolved on every new connection.
  virtual Result<proto::HeartbeatResponse> Heartbeat(const std::string& host, int port,
                                                     const proto::HeartbeatRequest& request,
                                                     std::chrono::milliseconds timeout) = 0;

  // Drops any cached connection to host:port (the node was removed). Default: nothing cached.
  virtual void Forget(const std::string& host, int port) {}
};

// The production client: one cached gRPC channel per host:port. Reconnect backoff is capped at
// max_reconnect_backoff so a CN that starts after being registered is seen within about one
// heartbeat interval, instead of after gRPC's default backoff of up to two minutes.
std::unique_ptr<CnClient> MakeGrpcCnClient(
    std::chrono::milliseconds max_reconnect_backoff = std::chrono::milliseconds(1000));

}  // namespace basalt::fe
