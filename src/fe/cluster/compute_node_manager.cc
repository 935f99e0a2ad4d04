#include "fe/cluster/compute_node_manager.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <future>
#include <tuple>
#include <utility>

#include "common/logging.h"

namespace basalt::fe {

const std::vector<ConfigKey>& ComputeNodeManagerConfigKeys() {
  static const std::vector<ConfigKey> kKeys = {
      {"heartbeat_interval_ms", "5000", "how often the leader FE heartbeats each compute node"},
      {"heartbeat_timeout_ms", "5000", "deadline of one heartbeat RPC"},
      {"heartbeat_retry_times", "3",
       "consecutive failed heartbeats after which an alive compute node is marked not alive"},
  };
  return kKeys;
}

Result<ComputeNodeManagerOptions> ComputeNodeManagerOptionsFromConfig(
    const Config& config, ComputeNodeManagerOptions base) {
  ASSIGN_OR_RETURN(base.heartbeat_interval_ms,
                   config.GetInt("heartbeat_interval_ms", base.heartbeat_interval_ms));
  ASSIGN_OR_RETURN(base.heartbeat_timeout_ms,
                   config.GetInt("heartbeat_timeout_ms", base.heartbeat_timeout_ms));
  ASSIGN_OR_RETURN(int64_t retry_times,
                   config.GetInt("heartbeat_retry_times", base.heartbeat_retry_times));
  if (base.heartbeat_interval_ms <= 0) {
    return Status::InvalidArgument("config `heartbeat_interval_ms` must be positive");
  }
  if (base.heartbeat_timeout_ms <= 0) {
    return Status::InvalidArgument("config `heartbeat_timeout_ms` must be positive");
  }
  if (retry_times < 1 || retry_times > 1000) {
    return Status::InvalidArgument("config `heartbeat_retry_times` must be in 1..1000");
  }
  base.heartbeat_retry_times = static_cast<int>(retry_times);
  return base;
}

std::string FormatShowTime(int64_t ms) {
  if (ms <= 0) return "NULL";
  const time_t seconds = static_cast<time_t>(ms / 1000);
  tm local{};
  localtime_r(&seconds, &local);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string FormatPct2(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f %%", pct);
  return buf;
}

std::string FormatPct1(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %%", pct);
  return buf;
}

ComputeNodeManager::ComputeNodeManager(ComputeNodeManagerOptions options,
                                       std::unique_ptr<CnClient> client)
    : options_(std::move(options)), client_(std::move(client)) {
  CHECK(client_ != nullptr) << "ComputeNodeManager needs a CnClient";
  CHECK_GT(options_.heartbeat_interval_ms, 0);
  CHECK_GT(options_.heartbeat_timeout_ms, 0);
  CHECK_GE(options_.heartbeat_retry_times, 1);
}

ComputeNodeManager::~ComputeNodeManager() { Stop(); }

int64_t ComputeNodeManager::NowMs() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status ComputeNodeManager::AddNode(int64_t id, const std::string& host, int heartbeat_port) {
  if (host.empty()) return Status::InvalidArgument("compute node host must not be empty");
  if (heartbeat_port < 1 || heartbeat_port > 65535) {
    return Status::InvalidArgument("compute node heartbeat port must be in 1..65535, got " +
                                   std::to_string(heartbeat_port));
  }
  {
    std::lock_guard lock(mu_);
    if (auto it = nodes_.find(id); it != nodes_.end()) {
      const ComputeNodeInfo& existing = it->second.info;
      if (existing.host == host && existing.heartbeat_port == heartbeat_port) return Status::OK();
      return Status::AlreadyExists("compute node id " + std::to_string(id) + " is already " +
                                   existing.host + ":" + std::to_string(existing.heartbeat_port));
    }
    for (const auto& [other_id, other] : nodes_) {
      if (other.info.host == host && other.info.heartbeat_port == heartbeat_port) {
        return Status::AlreadyExists("compute node " + host + ":" + std::to_string(heartbeat_port) +
                                     " already exists with id " + std::to_string(other_id));
      }
    }
    Node node;
    node.info.id = id;
    node.info.host = host;
    node.info.heartbeat_port = heartbeat_port;
    node.incarnation = next_incarnation_++;
    nodes_.emplace(id, std::move(node));
    round_requested_ = true;
  }
  LOG(INFO) << "compute node " << id << " registered at " << host << ":" << heartbeat_port;
  changed_.notify_all();
  return Status::OK();
}

bool ComputeNodeManager::RemoveNode(int64_t id) {
  std::string host;
  int port = 0;
  {
    std::lock_guard lock(mu_);
    auto it = nodes_.find(id);
    if (it == nodes_.end()) return false;
    host = it->second.info.host;
    port = it->second.info.heartbeat_port;
    nodes_.erase(it);
  }
  // Another node may still use this endpoint only if re-added later, which reconnects anyway.
  client_->Forget(host, port);
  LOG(INFO) << "compute node " << id << " at " << host << ":" << port << " removed";
  changed_.notify_all();
  return true;
}

void ComputeNodeManager::Start() {
  CHECK(!thread_.joinable()) << "ComputeNodeManager::Start called twice";
  {
    std::lock_guard lock(mu_);
    stop_requested_ = false;
  }
  thread_ = std::thread([this] { HeartbeatLoop(); });
}

void ComputeNodeManager::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_requested_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ComputeNodeManager::HeartbeatLoop() {
  const auto interval = std::chrono::milliseconds(options_.heartbeat_interval_ms);
  while (true) {
    const auto round_start = std::chrono::steady_clock::now();
    RunHeartbeatRound();
    std::unique_lock lock(mu_);
    changed_.wait_until(lock, round_start + interval,
                        [this] { return stop_requested_ || round_requested_; });
    if (stop_requested_) return;
  }
}

void ComputeNodeManager::RunHeartbeatRound() {
  std::vector<Target> targets;
  {
    std::lock_guard lock(mu_);
    round_requested_ = false;
    targets.reserve(nodes_.size());
    for (const auto& [id, node] : nodes_) {
      targets.push_back({id, node.incarnation, node.info.host, node.info.heartbeat_port});
    }
  }
  if (targets.empty()) {
    changed_.notify_all();
    return;
  }

  const auto timeout = std::chrono::milliseconds(options_.heartbeat_timeout_ms);
  std::vector<std::future<Result<proto::HeartbeatResponse>>> calls;
  calls.reserve(targets.size());
  for (const Target& target : targets) {
    proto::HeartbeatRequest request;
    request.set_fe_host(options_.fe_host);
    request.set_fe_rpc_port(options_.fe_rpc_port);
    request.set_cluster_id(options_.cluster_id);
    request.set_node_id(target.id);
    request.set_send_time_ms(NowMs());
    // One short-lived thread per node keeps a dead node's timeout from delaying the others.
    calls.push_back(std::async(std::launch::async, [this, target, request, timeout]()
                                   -> Result<proto::HeartbeatResponse> {
      // CnClient implementations report errors as values; this guards the thread regardless.
      try {
        return client_->Heartbeat(target.host, target.port, request, timeout);
      } catch (const std::exception& e) {
        return Status::Internal("heartbeat to " + target.host + ":" + std::to_string(target.port) +
                                " threw: " + e.what());
      }
    }));
  }

  std::vector<Result<proto::HeartbeatResponse>> results;
  results.reserve(calls.size());
  for (auto& call : calls) results.push_back(call.get());

  const int64_t now = NowMs();
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < targets.size(); ++i) {
      auto it = nodes_.find(targets[i].id);
      // Removed (or removed and re-added) while the call was in flight: the answer is stale.
      if (it == nodes_.end() || it->second.incarnation != targets[i].incarnation) continue;
      Node& node = it->second;
      const Result<proto::HeartbeatResponse>& result = results[i];
      if (!result.ok()) {
        ApplyFailure(node, result.status().message());
      } else if (result->status().code() != 0) {
        ApplyFailure(node, "heartbeat refused by " + targets[i].host + ":" +
                               std::to_string(targets[i].port) + ": " +
                               result->status().message());
      } else {
        ApplySuccess(node, *result, now);
      }
    }
  }
  changed_.notify_all();
}

void ComputeNodeManager::ApplySuccess(Node& node, const proto::HeartbeatResponse& response,
                                      int64_t now_ms) {
  ComputeNodeInfo& info = node.info;
  if (!info.alive) {
    LOG(INFO) << "compute node " << info.id << " (" << info.host << ":" << info.heartbeat_port
              << ") is alive, version " << response.version();
  } else if (response.process_start_time_ms() != info.last_start_time_ms) {
    // Still answering, but a new process: whatever ran on the old one is gone.
    LOG(WARNING) << "compute node " << info.id << " (" << info.host << ":" << info.heartbeat_port
                 << ") restarted";
  }
  info.alive = true;
  info.consecutive_failures = 0;
  info.err_msg.clear();
  info.be_port = response.be_port();
  info.http_port = response.http_port();
  info.brpc_port = response.brpc_port();
  info.starlet_port = response.starlet_port();
  info.version = response.version();
  info.last_start_time_ms = response.process_start_time_ms();
  info.last_heartbeat_ms = now_ms;
  info.cpu_cores = response.cpu_cores();
  info.num_running_queries = response.num_running_queries();
  info.mem_used_pct = response.mem_used_pct();
  info.cpu_used_pct = response.cpu_used_pct();
  info.has_storage_path = response.has_storage_path();
}

void ComputeNodeManager::ApplyFailure(Node& node, const std::string& reason) {
  ComputeNodeInfo& info = node.info;
  ++info.consecutive_failures;
  if (!info.alive) {
    info.err_msg = reason;
    return;
  }
  if (info.consecutive_failures >= options_.heartbeat_retry_times) {
    info.alive = false;
    info.err_msg = reason;
    LOG(WARNING) << "compute node " << info.id << " (" << info.host << ":" << info.heartbeat_port
                 << ") is not alive after " << info.consecutive_failures
                 << " failed heartbeats: " << reason;
  }
}

std::vector<ComputeNodeInfo> ComputeNodeManager::Nodes() const {
  std::lock_guard lock(mu_);
  std::vector<ComputeNodeInfo> out;
  out.reserve(nodes_.size());
  for (const auto& [id, node] : nodes_) out.push_back(node.info);
  return out;
}

std::vector<ComputeNodeInfo> ComputeNodeManager::AliveNodes() const {
  std::lock_guard lock(mu_);
  std::vector<ComputeNodeInfo> out;
  for (const auto& [id, node] : nodes_) {
    if (node.info.alive) out.push_back(node.info);
  }
  return out;
}

std::optional<ComputeNodeInfo> ComputeNodeManager::GetNode(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return std::nullopt;
  return it->second.info;
}

std::optional<int64_t> ComputeNodeManager::FindNode(const std::string& host,
                                                    int heartbeat_port) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, node] : nodes_) {
    if (node.info.host == host && node.info.heartbeat_port == heartbeat_port) return id;
  }
  return std::nullopt;
}

bool ComputeNodeManager::WaitForAlive(int64_t id, bool alive,
                                      std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] {
    auto it = nodes_.find(id);
    return it != nodes_.end() && it->second.info.alive == alive;
  });
}

const std::vector<std::string>& ComputeNodeManager::ShowComputeNodesColumns() {
  // StarRocks 3.3 shared-data column set, in order.
  static const std::vector<std::string> kColumns = {
      "ComputeNodeId",     "IP",          "HeartbeatPort",        "BePort",
      "HttpPort",          "BrpcPort",    "LastStartTime",        "LastHeartbeat",
      "Alive",             "SystemDecommissioned",                "ClusterDecommissioned",
      "ErrMsg",            "Version",     "CpuCores",             "NumRunningQueries",
      "MemUsedPct",        "CpuUsedPct",  "HasStoragePath",       "StarletPort",
      "WorkerId",          "WarehouseName",                       "TabletNum",
  };
  return kColumns;
}

ShowComputeNodesResult ComputeNodeManager::ShowComputeNodes() const {
  std::vector<ComputeNodeInfo> nodes = Nodes();
  // StarRocks orders the rows by IP, then BePort.
  std::sort(nodes.begin(), nodes.end(), [](const ComputeNodeInfo& a, const ComputeNodeInfo& b) {
    return std::tie(a.host, a.be_port, a.id) < std::tie(b.host, b.be_port, b.id);
  });
  ShowComputeNodesResult result;
  result.columns = ShowComputeNodesColumns();
  for (const ComputeNodeInfo& node : nodes) {
    const int64_t tablets = options_.tablet_count ? options_.tablet_count(node.id) : 0;
    result.rows.push_back({
        std::to_string(node.id),
        node.host,
        std::to_string(node.heartbeat_port),
        std::to_string(node.be_port),
        std::to_string(node.http_port),
        std::to_string(node.brpc_port),
        FormatShowTime(node.last_start_time_ms),
        FormatShowTime(node.last_heartbeat_ms),
        node.alive ? "true" : "false",
        "false",  // SystemDecommissioned: compute nodes are dropped, never decommissioned.
        "false",  // ClusterDecommissioned.
        node.err_msg,
        node.version,
        std::to_string(node.cpu_cores),
        std::to_string(node.num_running_queries),
        FormatPct2(node.mem_used_pct),
        FormatPct1(node.cpu_used_pct),
        node.has_storage_path ? "true" : "false",
        std::to_string(node.starlet_port),
        std::to_string(node.id),  // WorkerId: one storage worker per CN, named by the node id.
        "default_warehouse",
        std::to_string(tablets),
    });
  }
  return result;
}

}  // namespace basalt::fe
