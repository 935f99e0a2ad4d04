// HeartbeatServiceImpl: the CN side of the FE -> CN heartbeat (proto/cn_service.proto).
//
// The leader FE calls Heartbeat every few seconds. The CN answers with its ports, version and load,
// and learns who its FE is: the first FE that heartbeats fixes the cluster id this CN serves, and
// its address is kept for CN -> FE calls added later (load reports, transaction commits).
// Heartbeats carrying another cluster id are refused with an error status, so a CN cannot be
// claimed by two clusters at once. A heartbeat from a different FE host of the same cluster is
// accepted (leader change) and becomes the current FE.
//
// Thread-safety: gRPC calls Heartbeat concurrently from its threads; all state is behind mu_.
// The accessors may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "cn_service.grpc.pb.h"
#include "common/metrics/metrics.h"

namespace basalt::cn {

// Static facts about this CN, fixed once its ports are bound.
struct CnNodeInfo {
  int be_port = 0;
  int http_port = 0;
  int heartbeat_port = 0;
  int brpc_port = 0;
  int starlet_port = 0;
  std::string version;
  int64_t process_start_time_ms = 0;
  bool has_storage_path = false;
};

// Load figures sampled on each heartbeat.
struct CnLoad {
  int cpu_cores = 0;
  double mem_used_pct = 0;  // 0..100
  double cpu_used_pct = 0;  // 0..100
  int num_running_queries = 0;
};

// The FE as identified by a heartbeat.
struct FeIdentity {
  std::string host;
  int rpc_port = 0;
  int64_t cluster_id = 0;
  int64_t node_id = 0;  // The id the FE assigned to this CN.
};

class HeartbeatServiceImpl final : public proto::HeartbeatService::Service {
 public:
  // load_sampler is called once per accepted heartbeat, on a gRPC thread; it must be thread-safe.
  // metrics may be null; otherwise it must outlive this object.
  HeartbeatServiceImpl(CnNodeInfo info, std::function<CnLoad()> load_sampler,
                       MetricRegistry* metrics);

  grpc::Status Heartbeat(grpc::ServerContext* context, const proto::HeartbeatRequest* request,
                         proto::HeartbeatResponse* response) override;

  // The heartbeat port is only known once the server hosting this service is bound (port 0 in
  // tests), so it is set afterwards. Until then heartbeats report info.heartbeat_port.
  void SetHeartbeatPort(int port) { heartbeat_port_.store(port); }

  // The first FE that heartbeated successfully, if any. Never changes once set.
  std::optional<FeIdentity> first_fe() const;
  // The FE of the most recent accepted heartbeat.
  std::optional<FeIdentity> current_fe() const;

 private:
  const CnNodeInfo info_;
  const std::function<CnLoad()> load_sampler_;
  std::atomic<int> heartbeat_port_;
  Counter* accepted_ = nullptr;
  Counter* rejected_ = nullptr;

  mutable std::mutex mu_;
  std::optional<FeIdentity> first_fe_;    // Guarded by mu_.
  std::optional<FeIdentity> current_fe_;  // Guarded by mu_.
};

}  // namespace basalt::cn
