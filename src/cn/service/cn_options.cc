#include "cn/service/cn_options.h"

namespace basalt::cn {

#ifndef BASALT_VERSION
#define BASALT_VERSION "0.0.0"
#endif

const std::vector<ConfigKey>& CnConfigKeys() {
  static const std::vector<ConfigKey> kKeys = {
      {"host", "127.0.0.1", "address all CN servers bind (0.0.0.0 for every interface)"},
      {"be_port", "9060", "gRPC port of the CN service (fragments, ingest tasks)"},
      {"be_http_port", "8040", "HTTP port: /api/health, /metrics"},
      {"heartbeat_service_port", "9050", "gRPC port the FE sends heartbeats to"},
      {"brpc_port", "8060", "data-exchange port reported to the FE"},
      {"starlet_port", "9070", "shared-data storage service port reported to the FE"},
      {"storage_root_path", "", "local cache directory; empty disables the local cache"},
      {"priority_networks", "", "CIDR list choosing the IP this node advertises"},
      {"sys_log_level", "INFO", "minimum log level: INFO, WARNING, ERROR, FATAL"},
      {"sys_log_dir", "", "directory for cn.log; logs always go to stderr as well"},
      {"datacache_enable", "true", "cache object byte ranges on local disk (needs a cache directory)"},
      {"datacache_disk_path", "",
       "data cache directory; empty means <storage_root_path>/datacache, or no cache without storage_root_path"},
      {"datacache_disk_size", "10%",
       "data cache capacity: bytes with optional K/M/G/T suffix, or a percentage of the cache's file system"},
  };
  return kKeys;
}

namespace {

Result<int> GetPort(const Config& config, const char* key, int fallback) {
  ASSIGN_OR_RETURN(int64_t value, config.GetInt(key, fallback));
  if (value < 0 || value > 65535) {
    return Status::InvalidArgument("config `" + std::string(key) +
                                   "` must be a port in 0..65535, got " + std::to_string(value));
  }
  return static_cast<int>(value);
}

}  // namespace

Result<CnOptions> CnOptionsFromConfig(const Config& config) {
  CnOptions options;
  options.host = config.GetString("host", options.host);
  if (options.host.empty()) return Status::InvalidArgument("config `host` must not be empty");
  ASSIGN_OR_RETURN(options.be_port, GetPort(config, "be_port", options.be_port));
  ASSIGN_OR_RETURN(options.http_port, GetPort(config, "be_http_port", options.http_port));
  ASSIGN_OR_RETURN(options.heartbeat_port,
                   GetPort(config, "heartbeat_service_port", options.heartbeat_port));
  ASSIGN_OR_RETURN(options.brpc_port, GetPort(config, "brpc_port", options.brpc_port));
  ASSIGN_OR_RETURN(options.starlet_port, GetPort(config, "starlet_port", options.starlet_port));
  options.storage_root_path = config.GetString("storage_root_path");
  options.priority_networks = config.GetString("priority_networks");
  options.sys_log_level = config.GetString("sys_log_level", options.sys_log_level);
  options.sys_log_dir = config.GetString("sys_log_dir");
  options.version = CnVersion();
  ASSIGN_OR_RETURN(options.datacache_enable, config.GetBool("datacache_enable", options.datacache_enable));
  options.datacache_disk_path = config.GetString("datacache_disk_path");
  if (options.datacache_disk_path.empty() && !options.storage_root_path.empty()) {
    options.datacache_disk_path = options.storage_root_path + "/datacache";
  }
  options.datacache_disk_size = config.GetString("datacache_disk_size", options.datacache_disk_size);
  if (options.datacache_disk_size.empty()) {
    return Status::InvalidArgument("config `datacache_disk_size` must not be empty");
  }
  return options;
}

std::string CnVersion() { return std::string("basalt-") + BASALT_VERSION; }

}  // namespace basalt::cn
