// Everything a statement may need from the running FE, passed explicitly instead of globals.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/config.h"
#include "fe/catalog/catalog.h"
#include "fe/catalog/secret_box.h"
#include "fe/qe/session.h"
#include "fe/qe/variables.h"

namespace basalt::fe {

class ComputeNodeManager;
class TransactionManager;
class RoutineLoadScheduler;

// Live sessions, for SHOW PROCESSLIST and KILL. Thread-safe.
class SessionRegistry {
 public:
  void Add(std::shared_ptr<Session> session);
  void Remove(uint32_t connection_id);
  std::shared_ptr<Session> Find(uint32_t connection_id) const;
  std::vector<std::shared_ptr<Session>> List() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<uint32_t, std::shared_ptr<Session>> sessions_;
};

struct FrontendInfo {
  std::string host = "127.0.0.1";
  int query_port = 9030;
  int http_port = 8030;
  int rpc_port = 9020;
  int edit_log_port = 9010;
  int64_t start_time_ms = 0;
  std::string version = "0.1.0";
};

struct FeContext {
  Catalog* catalog = nullptr;
  MetaStore* meta = nullptr;
  GlobalVariables* globals = nullptr;
  SessionRegistry* sessions = nullptr;
  ComputeNodeManager* compute_nodes = nullptr;  // Null in unit tests without a cluster.
  TransactionManager* txns = nullptr;           // Null in unit tests that load nothing.
  RoutineLoadScheduler* routine_loads = nullptr; // Null when routine load is not running.
  const Config* config = nullptr;
  const SecretBox* secrets = nullptr;
  // Checks that a new storage volume's bucket/directory is reachable with its credentials before
  // it is created; null skips the check.
  std::function<Status(const proto::StorageVolumeMeta&)> check_storage_volume;
  FrontendInfo frontend;
};

}  // namespace basalt::fe
