// Session: the server-side state of one client connection (StarRocks' ConnectContext).
//
// Owned by the connection thread. Fields other threads read (SHOW PROCESSLIST, KILL) are either
// atomics or guarded by `mu`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"
#include "fe/qe/variables.h"

namespace basalt::fe {

struct Warning {
  std::string level;  // "Note", "Warning", "Error"
  uint16_t code = 0;
  std::string message;
};

class Session {
 public:
  Session(uint32_t connection_id, std::string remote_host, GlobalVariables* globals);

  uint32_t connection_id() const { return connection_id_; }
  const std::string& remote_host() const { return remote_host_; }
  int64_t connect_time_ms() const { return connect_time_ms_; }

  std::string user() const;
  void set_user(std::string user);
  std::string current_db() const;
  void set_current_db(std::string db);

  // Session value if set in this session, else the global value.
  VariableValue GetVariable(const VariableDef& def) const;
  void SetSessionVariable(const VariableDef& def, VariableValue value);
  // Variables the client set that we don't know (kept so a later SELECT @@x answers).
  void SetUnknownVariable(const std::string& name, std::string value);
  std::optional<std::string> GetUnknownVariable(const std::string& name) const;
  bool autocommit() const;
  // A known integer / boolean variable's effective value; `fallback` (false) when it is NULL or
  // does not parse.
  int64_t IntVariable(std::string_view name, int64_t fallback) const;
  int64_t IntVariable(const VariableDef& def, int64_t fallback) const;  // for hot paths: no lookup
  bool BoolVariable(std::string_view name) const;

  Value GetUserVariable(const std::string& name) const;
  void SetUserVariable(const std::string& name, Value value);

  // COM_RESET_CONNECTION: drop session variables, user variables, warnings.
  void Reset();

  // Warnings of the last statement (SHOW WARNINGS).
  std::vector<Warning> warnings;

  // For SHOW PROCESSLIST: what the connection is doing now.
  void SetCommand(const char* command, std::string info);
  struct ProcessInfo {
    uint32_t id;
    std::string user, host, db, command, info;
    int64_t connect_time_ms;
    int64_t command_start_ms;
  };
  ProcessInfo GetProcessInfo() const;

  // KILL: the connection thread checks these between commands and while executing.
  std::atomic<bool> kill_connection{false};
  std::atomic<bool> kill_query{false};
  // The connection's socket, so KILL CONNECTION from another session can wake a blocked read.
  std::atomic<int> socket_fd{-1};
  // BEGIN/START TRANSACTION sets it (reported as SERVER_STATUS_IN_TRANS); COMMIT/ROLLBACK clear.
  bool in_transaction = false;

  int64_t query_start_ms() const { return query_start_ms_; }
  void set_query_start_ms(int64_t ms) { query_start_ms_ = ms; }

 private:
  const uint32_t connection_id_;
  const std::string remote_host_;
  GlobalVariables* const globals_;
  const int64_t connect_time_ms_;
  int64_t query_start_ms_ = 0;

  mutable std::mutex mu_;
  std::string user_;
  std::string current_db_;
  std::map<std::string, VariableValue, std::less<>> session_vars_;
  std::map<std::string, std::string, std::less<>> unknown_vars_;
  std::map<std::string, Value, std::less<>> user_vars_;
  std::string command_ = "Sleep";
  std::string info_;
  int64_t command_start_ms_ = 0;
};

int64_t NowMillis();

}  // namespace basalt::fe
