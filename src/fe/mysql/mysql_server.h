// The FE's MySQL protocol server (port 9030): accepts connections, authenticates with
// mysql_native_password, and runs commands for each client on its own thread.
//
// One thread per connection keeps each session's code sequential and easy to reason about;
// analytic workloads have tens to hundreds of connections, not tens of thousands.
// `max_connections` bounds them (ERR 1040 before the greeting beyond it).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/status.h"
#include "fe/qe/fe_context.h"

namespace basalt::fe::mysql {

struct MysqlServerOptions {
  std::string host = "0.0.0.0";
  int port = 9030;
  int max_connections = 4096;
  size_t max_packet_bytes = 64 << 20;
  int handshake_timeout_seconds = 10;
};

class MysqlServer {
 public:
  MysqlServer(MysqlServerOptions options, FeContext* fe, MetricRegistry* metrics);
  ~MysqlServer();

  // Binds and starts accepting. Errors name host:port (e.g. address in use).
  Status Start();
  // Stops accepting, closes every connection, joins all threads.
  void Stop();
  int port() const { return bound_port_; }

 private:
  void AcceptLoop();
  void ServeConnection(int fd, std::string remote_host, uint32_t connection_id);

  MysqlServerOptions options_;
  FeContext* fe_;
  int listen_fd_ = -1;
  int bound_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint32_t> next_connection_id_{1};
  std::atomic<int> open_connections_{0};
  std::thread accept_thread_;
  std::mutex threads_mu_;
  std::condition_variable connections_done_;
  std::vector<int> fds_;  // Open connection sockets, guarded by threads_mu_.

  Counter* connections_total_;
  Gauge* connections_open_;
  Counter* queries_total_;
  Counter* query_errors_total_;
};

}  // namespace basalt::fe::mysql
