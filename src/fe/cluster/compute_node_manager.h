// ComputeNodeManager: the FE's runtime view of its compute nodes (CNs).
//
// Membership (id, host, heartbeat port) is durable and owned by the catalog, which changes only by
// applying journal entries; when it applies ALTER SYSTEM ADD/DROP COMPUTE NODE it calls AddNode /
// RemoveNode here. Everything else about a node (ports, version, load, liveness, ErrMsg) is
// runtime state learned from heartbeats and is never journaled: after an FE restart every node
// starts not alive until its first successful heartbeat.
//
// Heartbeats: Start() runs a thread that, every heartbeat_interval_ms, calls Heartbeat on every
// node in parallel with a deadline of heartbeat_timeout_ms. Per node:
//   - success: Alive=true, failure count reset, ErrMsg cleared, ports/version/load updated;
//   - failure (unreachable, timeout, or the CN refused): the consecutive failure count grows.
//     An alive node turns not alive after heartbeat_retry_times consecutive failures, and ErrMsg
//     then says why. A node that is not alive gets ErrMsg updated on every failure, so a node
//     registered before its process is up shows the reason it is not alive yet.
// A node registered before its process starts simply stays Alive=false until the first success.
//
// Thread-safety: every public method may be called from any thread. Calls into CnClient are made
// without holding the internal lock, so AddNode/RemoveNode/Show* never wait for the network.
// Stop() waits for an in-flight round, which is bounded by heartbeat_timeout_ms.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "fe/cluster/cn_client.h"

namespace basalt::fe {

struct ComputeNodeManagerOptions {
  // Identity sent in every heartbeat so the CN knows its FE.
  std::string fe_host = "127.0.0.1";
  int fe_rpc_port = 9020;
  int64_t cluster_id = 0;

  int64_t heartbeat_interval_ms = 5000;
  int64_t heartbeat_timeout_ms = 5000;
  // Consecutive failures after which an alive node is declared not alive; at least 1.
  int heartbeat_retry_times = 3;

  // Source of TabletNum in SHOW COMPUTE NODES; when unset the column shows 0.
  std::function<int64_t(int64_t node_id)> tablet_count;
  // Wall clock in ms since the epoch; tests may pin it. Default: the system clock.
  std::function<int64_t()> now_ms;
};

// fe.conf keys read by ComputeNodeManagerOptionsFromConfig, for --help listings.
const std::vector<ConfigKey>& ComputeNodeManagerConfigKeys();
// Reads heartbeat_interval_ms, heartbeat_timeout_ms and heartbeat_retry_times into base.
Result<ComputeNodeManagerOptions> ComputeNodeManagerOptionsFromConfig(
    const Config& config, ComputeNodeManagerOptions base = {});

// A snapshot of one node. Ports are -1 and times -1 until the first successful heartbeat.
struct ComputeNodeInfo {
  int64_t id = 0;
  std::string host;
  int heartbeat_port = 0;

  int be_port = -1;
  int http_port = -1;
  int brpc_port = -1;
  int starlet_port = 0;
  int64_t last_start_time_ms = -1;  // CN process start, as reported by the CN.
  int64_t last_heartbeat_ms = -1;   // FE clock at the last successful heartbeat.
  bool alive = false;
  std::string err_msg;
  std::string version;
  int cpu_cores = 0;
  int num_running_queries = 0;
  double mem_used_pct = 0;  // 0..100
  double cpu_used_pct = 0;  // 0..100
  bool has_storage_path = false;
  int consecutive_failures = 0;
};

// Column names plus rows of display strings, as SHOW COMPUTE NODES returns them.
struct ShowComputeNodesResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

class ComputeNodeManager {
 public:
  // client must not be null; it is owned by the manager.
  ComputeNodeManager(ComputeNodeManagerOptions options, std::unique_ptr<CnClient> client);
  ~ComputeNodeManager();  // Calls Stop().

  ComputeNodeManager(const ComputeNodeManager&) = delete;
  ComputeNodeManager& operator=(const ComputeNodeManager&) = delete;

  // Registers a node (not alive until its first successful heartbeat) and asks the heartbeat
  // thread for an early round. Re-adding the same id with the same endpoint is a no-op (replay).
  // InvalidArgument for an empty host or a port outside 1..65535; AlreadyExists when the id is
  // taken by another endpoint or the endpoint by another id.
  Status AddNode(int64_t id, const std::string& host, int heartbeat_port);
  // Forgets a node. Returns false when the id is unknown. A heartbeat in flight for it is dropped.
  bool RemoveNode(int64_t id);

  // Starts the heartbeat thread; the first round runs immediately. At most once.
  void Start();
  // Stops and joins the heartbeat thread. Idempotent.
  void Stop();

  // One heartbeat to every node, in parallel, returning when all have answered or timed out.
  // The heartbeat thread calls this; tests call it directly to step the state machine.
  void RunHeartbeatRound();

  std::vector<ComputeNodeInfo> Nodes() const;       // All nodes, by id.
  std::vector<ComputeNodeInfo> AliveNodes() const;  // Alive nodes, by id: the schedulers' view.
  // The client the manager heartbeats with; also used for the data RPCs.
  CnClient* client() const { return client_.get(); }
  std::optional<ComputeNodeInfo> GetNode(int64_t id) const;
  std::optional<int64_t> FindNode(const std::string& host, int heartbeat_port) const;

  // SHOW COMPUTE NODES / SHOW PROC '/compute_nodes' in StarRocks 3.3 shared-data shape.
  ShowComputeNodesResult ShowComputeNodes() const;
  static const std::vector<std::string>& ShowComputeNodesColumns();

  // Blocks until node id is known and its liveness equals alive, or timeout passes; returns
  // whether it got there. For tests and for launchers waiting on an embedded CN.
  bool WaitForAlive(int64_t id, bool alive, std::chrono::milliseconds timeout) const;

 private:
  struct Node {
    ComputeNodeInfo info;
    uint64_t incarnation = 0;  // Distinguishes a re-added id from the node a round started with.
  };
  struct Target {
    int64_t id;
    uint64_t incarnation;
    std::string host;
    int port;
  };

  int64_t NowMs() const;
  void ApplySuccess(Node& node, const proto::HeartbeatResponse& response, int64_t now_ms);
  void ApplyFailure(Node& node, const std::string& reason);
  void HeartbeatLoop();

  const ComputeNodeManagerOptions options_;
  const std::unique_ptr<CnClient> client_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // Signalled after each applied round and on Stop.
  std::map<int64_t, Node> nodes_;            // Guarded by mu_.
  uint64_t next_incarnation_ = 1;            // Guarded by mu_.
  bool stop_requested_ = false;              // Guarded by mu_.
  bool round_requested_ = false;             // Guarded by mu_.
  std::thread thread_;
};

// Formats ms since the epoch as "yyyy-MM-dd HH:mm:ss" in the FE's local time zone, or "NULL" when
// ms <= 0 (never seen), as StarRocks does.
std::string FormatShowTime(int64_t ms);
// "%.2f %" of a 0..100 percentage, e.g. "1.95 %" (StarRocks' MemUsedPct).
std::string FormatPct2(double pct);
// "%.1f %" of a 0..100 percentage, e.g. "0.3 %" (StarRocks' CpuUsedPct).
std::string FormatPct1(double pct);

}  // namespace basalt::fe
