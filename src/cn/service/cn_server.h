// CnServer: one compute node's network face. Owns and wires the three servers of a CN:
//   - gRPC HeartbeatService on heartbeat_service_port (called by the leader FE),
//   - gRPC CnService on be_port (Ping, WriteTablets, ScanTablets; fragments as they land),
//   - HTTP on be_http_port with /api/health and /metrics.
// programs/cn_main.cc only turns cn.conf into CnOptions and runs one of these; tests run several
// in one process with every port set to 0.
//
// With the data cache enabled (CnOptions::datacache_enabled()), Start() first opens the DataCache
// in datacache_disk_path (its basalt_datacache_* metrics appear on /metrics) and the CnService
// reads and writes volumes through it.
//
// Start() binds everything or nothing: on the first bind failure it stops what it already started
// and returns IOError naming the config key and host:port. The heartbeat port is opened last, so
// a heartbeat that succeeds means the other ports are already serving.
//
// Thread-safety: Start() and Stop() from the owning thread; the accessors from any thread after
// Start() returned OK. Stop() is idempotent and also run by the destructor.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cn/ingest/routine_load_service.h"
#include "cn/service/cn_options.h"
#include "cn/service/cn_rpc_service.h"
#include "cn/service/heartbeat_service.h"
#include "cn/service/process_stats.h"
#include "common/http/http_server.h"
#include "common/metrics/metrics.h"
#include "common/status.h"

namespace grpc {
class Server;
}

namespace basalt {
class DataCache;
}

namespace basalt::cn {

class CnRpcServiceImpl;

class CnServer {
 public:
  explicit CnServer(CnOptions options);
  ~CnServer();

  CnServer(const CnServer&) = delete;
  CnServer& operator=(const CnServer&) = delete;

  Status Start();
  void Stop();

  // Bound ports (equal to the options unless those were 0). Valid after Start() returned OK.
  int be_port() const { return node_info_.be_port; }
  int http_port() const { return node_info_.http_port; }
  int heartbeat_port() const { return node_info_.heartbeat_port; }
  const CnOptions& options() const { return options_; }

  // The first FE that heartbeated this CN; later CN -> FE calls go there.
  std::optional<FeIdentity> first_fe() const;

  MetricRegistry& metrics() { return metrics_; }
  // nullptr when the data cache is disabled. Valid after Start() returned OK.
  DataCache* data_cache() { return data_cache_.get(); }
  // Executors raise and lower this around each running query; heartbeats report it.
  Gauge* running_queries() { return running_queries_; }

 private:
  HttpResponse HandleMetrics();

  const CnOptions options_;
  CnNodeInfo node_info_;
  MetricRegistry metrics_;
  ProcessStats process_stats_;
  Gauge* running_queries_ = nullptr;

  std::shared_ptr<DataCache> data_cache_;
  std::unique_ptr<CnRpcServiceImpl> rpc_service_;
  std::unique_ptr<VolumeStoreCache> ingest_volumes_;
  std::unique_ptr<RoutineLoadServiceImpl> routine_load_service_;
  std::unique_ptr<HeartbeatServiceImpl> heartbeat_service_;
  std::unique_ptr<grpc::Server> rpc_server_;
  std::unique_ptr<grpc::Server> heartbeat_server_;
  std::unique_ptr<HttpServer> http_server_;
};

}  // namespace basalt::cn
