#include "fe/qe/session.h"

#include "common/string_util.h"

namespace basalt::fe {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Session::Session(uint32_t connection_id, std::string remote_host, GlobalVariables* globals)
    : connection_id_(connection_id), remote_host_(std::move(remote_host)), globals_(globals), connect_time_ms_(NowMillis()) {
  command_start_ms_ = connect_time_ms_;
}

std::string Session::user() const {
  std::lock_guard lock(mu_);
  return user_;
}

void Session::set_user(std::string user) {
  std::lock_guard lock(mu_);
  user_ = std::move(user);
}

std::string Session::current_db() const {
  std::lock_guard lock(mu_);
  return current_db_;
}

void Session::set_current_db(std::string db) {
  std::lock_guard lock(mu_);
  current_db_ = std::move(db);
}

VariableValue Session::GetVariable(const VariableDef& def) const {
  {
    std::lock_guard lock(mu_);
    auto it = session_vars_.find(def.name);
    if (it != session_vars_.end()) return it->second;
  }
  return globals_->Get(def);
}

void Session::SetSessionVariable(const VariableDef& def, VariableValue value) {
  std::lock_guard lock(mu_);
  session_vars_[def.name] = std::move(value);
}

void Session::SetUnknownVariable(const std::string& name, std::string value) {
  std::lock_guard lock(mu_);
  unknown_vars_[ToLower(name)] = std::move(value);
}

std::optional<std::string> Session::GetUnknownVariable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = unknown_vars_.find(ToLower(name));
  if (it == unknown_vars_.end()) return std::nullopt;
  return it->second;
}

bool Session::autocommit() const {
  static const VariableDef* const def = FindVariableDef("autocommit");  // asked for every OK/EOF
  VariableValue v = GetVariable(*def);
  return v.text && *v.text == "1";
}

int64_t Session::IntVariable(std::string_view name, int64_t fallback) const {
  const VariableDef* def = FindVariableDef(name);
  return def == nullptr ? fallback : IntVariable(*def, fallback);
}

int64_t Session::IntVariable(const VariableDef& def, int64_t fallback) const {
  VariableValue v = GetVariable(def);
  int64_t out = 0;
  return v.text && ParseInt64(*v.text, &out) ? out : fallback;
}

bool Session::BoolVariable(std::string_view name) const {
  const VariableDef* def = FindVariableDef(name);
  if (def == nullptr) return false;
  VariableValue v = GetVariable(*def);
  return v.text && (*v.text == "1" || EqualsIgnoreCase(*v.text, "true") || EqualsIgnoreCase(*v.text, "on"));
}

Value Session::GetUserVariable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = user_vars_.find(ToLower(name));
  return it == user_vars_.end() ? Value::Null() : it->second;
}

void Session::SetUserVariable(const std::string& name, Value value) {
  std::lock_guard lock(mu_);
  user_vars_[ToLower(name)] = std::move(value);
}

void Session::Reset() {
  std::lock_guard lock(mu_);
  session_vars_.clear();
  unknown_vars_.clear();
  user_vars_.clear();
  warnings.clear();
}

void Session::SetCommand(const char* command, std::string info) {
  std::lock_guard lock(mu_);
  command_ = command;
  info_ = std::move(info);
  command_start_ms_ = NowMillis();
}

Session::ProcessInfo Session::GetProcessInfo() const {
  std::lock_guard lock(mu_);
  return ProcessInfo{connection_id_, user_, remote_host_, current_db_, command_, info_, connect_time_ms_, command_start_ms_};
}

}  // namespace basalt::fe
