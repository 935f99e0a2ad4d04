// CnOptions: the settings of a CN process, read from cn.conf (StarRocks key names) and flags.
//
// The declared keys double as the --help listing. Port values may be 0, meaning "any free port",
// which tests use to run several CNs side by side.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace basalt::cn {

struct CnOptions {
  std::string host = "127.0.0.1";  // Address every server binds; "0.0.0.0" for all interfaces.
  int be_port = 9060;              // gRPC CnService.
  int http_port = 8040;            // be_http_port: /api/health, /metrics.
  int heartbeat_port = 9050;       // heartbeat_service_port: gRPC HeartbeatService.
  int brpc_port = 8060;            // Reported to the FE; data exchange is not served yet.
  int starlet_port = 9070;         // Reported to the FE; kept for StarRocks compatibility.
  std::string storage_root_path;   // Local cache directory; empty disables the cache.
  std::string priority_networks;   // CIDR list used to pick the advertised IP (not applied yet).
  std::string sys_log_level = "INFO";
  std::string sys_log_dir;         // When set, logs also go to <sys_log_dir>/cn.log.
  std::string version;             // Reported in heartbeats and Ping.

  // The local data cache of object ranges (cn/cache/data_cache.h), StarRocks' datacache_* keys.
  bool datacache_enable = true;
  // Resolved: `datacache_disk_path`, else <storage_root_path>/datacache, else empty (no cache).
  std::string datacache_disk_path;
  // A ParseDataCacheSize spec ("10%", "50G", bytes); checked when the server starts, since a
  // percentage needs the directory to exist.
  std::string datacache_disk_size = "10%";

  // Whether the CN runs with a data cache: enabled and a directory to put it in.
  bool datacache_enabled() const { return datacache_enable && !datacache_disk_path.empty(); }
};

// The cn.conf keys this binary understands, with defaults and help text.
const std::vector<ConfigKey>& CnConfigKeys();

// Reads and validates the options. InvalidArgument names the offending key.
Result<CnOptions> CnOptionsFromConfig(const Config& config);

// The version string of this build, e.g. "basalt-0.1.0".
std::string CnVersion();

}  // namespace basalt::cn
