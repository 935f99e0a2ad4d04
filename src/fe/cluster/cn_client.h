// CnClient: how the FE reaches a compute node: its heartbeat service and the data RPCs of
// CnService (writing and scanning tablets).
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
#include <functional>
#include <memory>
#include <string>

#include "cn_service.pb.h"
#include "routine_load.pb.h"
#include "common/status.h"

namespace basalt::fe {

class CnClient {
 public:
  virtual ~CnClient() = default;

  // host may be an IP literal or a hostname; a hostname is resolved on every new connection.
  virtual Result<proto::HeartbeatResponse> Heartbeat(const std::string& host, int port,
                                                     const proto::HeartbeatRequest& request,
                                                     std::chrono::milliseconds timeout) = 0;

  // CnService.WriteTablets. Transport failures (unreachable, deadline) are a non-OK Status naming
  // host:port; the CN's own verdict is in response.status. Default: NotSupported.
  virtual Result<proto::WriteTabletsResponse> WriteTablets(const std::string& host, int port,
                                                           const proto::WriteTabletsRequest& request,
                                                           std::chrono::milliseconds timeout);
  // CnService.ScanTablets: calls on_chunk for each streamed batch in order; stops at the first
  // error (transport, CN status, or on_chunk's). Default: NotSupported.
  virtual Status ScanTablets(const std::string& host, int port, const proto::ScanTabletsRequest& request,
                             std::chrono::milliseconds timeout,
                             const std::function<Status(proto::ChunkPB&&)>& on_chunk);

  // RoutineLoadService (proto/routine_load.proto), same error contract as WriteTablets.
  // Default: NotSupported.
  virtual Result<proto::KafkaMetaResponse> GetKafkaMeta(const std::string& host, int port,
                                                        const proto::KafkaMetaRequest& request,
                                                        std::chrono::milliseconds timeout);
  virtual Result<proto::RoutineLoadTaskResponse> RunRoutineLoadTask(const std::string& host, int port,
                                                                    const proto::RoutineLoadTaskRequest& request,
                                                                    std::chrono::milliseconds timeout);

  // Drops any cached connection to host:port (the node was removed). Default: nothing cached.
  virtual void Forget(const std::string& host, int port) {}
};

// The production client: one cached gRPC channel per host:port. Reconnect backoff is capped at
// max_reconnect_backoff so a CN that starts after being registered is seen within about one
// heartbeat interval, instead of after gRPC's default backoff of up to two minutes.
std::unique_ptr<CnClient> MakeGrpcCnClient(
    std::chrono::milliseconds max_reconnect_backoff = std::chrono::milliseconds(1000));

}  // namespace basalt::fe
