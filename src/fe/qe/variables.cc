#include "fe/qe/variables.h"

#include <algorithm>

#include <unistd.h>

#include "common/sql_errors.h"
#include "common/string_util.h"
#include "engine/time_zone.h"

namespace basalt::fe {

const std::vector<VariableDef>& AllVariableDefs() {
  static const auto* kDefs = new std::vector<VariableDef>{
      // Identity and version (read-only).
      {"version", VarKind::kString, "8.0.33", kVarReadOnly | kVarGlobalOnly},
      {"version_comment", VarKind::kString, "Basalt version 0.1.0 (StarRocks-compatible)", kVarReadOnly | kVarGlobalOnly},
      {"version_compile_os", VarKind::kString, "Linux", kVarReadOnly | kVarGlobalOnly},
      {"version_compile_machine", VarKind::kString, "x86_64", kVarReadOnly | kVarGlobalOnly},
      {"license", VarKind::kString, "Apache License 2.0", kVarReadOnly | kVarGlobalOnly},
      {"hostname", VarKind::kString, "", kVarReadOnly | kVarGlobalOnly},
      {"port", VarKind::kInt, "9030", kVarReadOnly | kVarGlobalOnly},
      {"socket", VarKind::kString, "", kVarReadOnly | kVarGlobalOnly | kVarNullable},
      {"datadir", VarKind::kString, "", kVarReadOnly | kVarGlobalOnly},
      {"have_query_cache", VarKind::kString, "NO", kVarReadOnly | kVarGlobalOnly},
      {"lower_case_table_names", VarKind::kInt, "0", kVarReadOnly | kVarGlobalOnly},
      {"performance_schema", VarKind::kBool, "0", kVarReadOnly | kVarGlobalOnly},
      {"system_time_zone", VarKind::kString, "UTC", kVarReadOnly | kVarGlobalOnly},
      {"default_authentication_plugin", VarKind::kString, "mysql_native_password", kVarReadOnly | kVarGlobalOnly},
      {"authentication_policy", VarKind::kString, "*,,", kVarGlobalOnly},
      {"innodb_read_only", VarKind::kBool, "0", kVarReadOnly | kVarGlobalOnly},
      {"event_scheduler", VarKind::kString, "OFF", kVarGlobalOnly},
      // Connection / charset.
      {"autocommit", VarKind::kBool, "1"},
      {"auto_increment_increment", VarKind::kInt, "1"},
      {"auto_increment_offset", VarKind::kInt, "1"},
      {"character_set_client", VarKind::kString, "utf8mb4"},
      {"character_set_connection", VarKind::kString, "utf8mb4"},
      {"character_set_results", VarKind::kString, "utf8mb4", kVarNullable},
      {"character_set_server", VarKind::kString, "utf8mb4"},
      {"character_set_database", VarKind::kString, "utf8mb4"},
      {"character_set_system", VarKind::kString, "utf8mb3", kVarReadOnly | kVarGlobalOnly},
      {"collation_connection", VarKind::kString, "utf8mb4_0900_ai_ci"},
      {"collation_database", VarKind::kString, "utf8mb4_0900_ai_ci"},
      {"collation_server", VarKind::kString, "utf8mb4_0900_ai_ci"},
      {"init_connect", VarKind::kString, ""},
      {"interactive_timeout", VarKind::kInt, "28800"},
      {"wait_timeout", VarKind::kInt, "28800"},
      {"net_write_timeout", VarKind::kInt, "60"},
      {"net_read_timeout", VarKind::kInt, "60"},
      {"net_buffer_length", VarKind::kInt, "16384"},
      {"max_allowed_packet", VarKind::kInt, "67108864"},
      {"query_cache_size", VarKind::kInt, "1048576"},
      {"query_cache_type", VarKind::kString, "OFF"},
      {"sql_mode", VarKind::kString,
       "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
       "NO_ENGINE_SUBSTITUTION"},
      // StarRocks' default; MySQL's 2^64-1 does not fit a signed BIGINT column.
      {"sql_select_limit", VarKind::kInt, "9223372036854775807"},
      {"sql_auto_is_null", VarKind::kBool, "0"},
      {"sql_safe_updates", VarKind::kBool, "0"},
      {"sql_notes", VarKind::kBool, "1"},
      {"sql_quote_show_create", VarKind::kBool, "1"},
      {"foreign_key_checks", VarKind::kBool, "1"},
      {"unique_checks", VarKind::kBool, "1"},
      {"time_zone", VarKind::kString, "Etc/UTC"},
      {"transaction_isolation", VarKind::kString, "REPEATABLE-READ"},
      {"tx_isolation", VarKind::kString, "REPEATABLE-READ"},
      {"transaction_read_only", VarKind::kBool, "0"},
      {"tx_read_only", VarKind::kBool, "0"},
      {"default_storage_engine", VarKind::kString, "OLAP"},
      {"default_tmp_storage_engine", VarKind::kString, "OLAP"},
      {"storage_engine", VarKind::kString, "OLAP"},
      {"div_precision_increment", VarKind::kInt, "4"},
      {"group_concat_max_len", VarKind::kInt, "1024"},
      {"max_execution_time", VarKind::kInt, "0"},
      {"session_track_schema", VarKind::kBool, "1"},
      {"language", VarKind::kString, "/starrocks/share/english/", kVarReadOnly | kVarGlobalOnly},
      // StarRocks session variables.
      {"query_timeout", VarKind::kInt, "300"},
      {"insert_timeout", VarKind::kInt, "14400"},
      {"query_mem_limit", VarKind::kInt, "0"},
      {"load_mem_limit", VarKind::kInt, "0"},
      {"exec_mem_limit", VarKind::kInt, "2147483648"},
      {"pipeline_dop", VarKind::kInt, "0"},
      {"enable_profile", VarKind::kBool, "0"},
      {"enable_insert_strict", VarKind::kBool, "1"},
      {"new_planner_optimize_timeout", VarKind::kInt, "3000"},
      {"parallel_fragment_exec_instance_num", VarKind::kInt, "1"},
      {"enable_pipeline_engine", VarKind::kBool, "1"},
      {"batch_size", VarKind::kInt, "4096"},
      {"forward_to_leader", VarKind::kBool, "0"},
      {"cbo_use_correlated_join_estimate", VarKind::kBool, "1"},
  };
  return *kDefs;
}

const VariableDef* FindVariableDef(std::string_view name) {
  for (const VariableDef& def : AllVariableDefs()) {
    if (EqualsIgnoreCase(def.name, name)) return &def;
  }
  return nullptr;
}

Value VariableToValue(const VariableDef& def, const VariableValue& v) {
  if (!v.text) return Value::Null(DataType::Varchar());
  switch (def.kind) {
    case VarKind::kInt:
    case VarKind::kBool: {
      int64_t i = 0;
      if (ParseInt64(*v.text, &i)) return Value::Int(i);
      return Value::String(*v.text);
    }
    case VarKind::kDouble: return Value::Double(ParseNumericPrefix(*v.text));
    case VarKind::kString: return Value::String(*v.text);
  }
  return Value::String(*v.text);
}

std::string VariableToShowText(const VariableDef& def, const VariableValue& v) {
  if (!v.text) return "";
  if (def.kind == VarKind::kBool) return *v.text == "1" ? "ON" : "OFF";
  return *v.text;
}

namespace {

// sql_mode is a set: upper-cased, duplicates dropped (so `concat(@@sql_mode, ',X')` twice is
// harmless), order kept, unknown modes refused as MySQL does.
Result<VariableValue> NormalizeSqlMode(const VariableDef& def, const std::string& text) {
  static const char* kModes[] = {
      "ALLOW_INVALID_DATES", "ANSI_QUOTES", "ERROR_FOR_DIVISION_BY_ZERO", "HIGH_NOT_PRECEDENCE", "IGNORE_SPACE",
      "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES", "NO_DIR_IN_CREATE", "NO_ENGINE_SUBSTITUTION",
      "NO_UNSIGNED_SUBTRACTION", "NO_ZERO_DATE", "NO_ZERO_IN_DATE", "ONLY_FULL_GROUP_BY", "PAD_CHAR_TO_FULL_LENGTH",
      "PIPES_AS_CONCAT", "REAL_AS_FLOAT", "STRICT_ALL_TABLES", "STRICT_TRANS_TABLES", "TIME_TRUNCATE_FRACTIONAL",
      "ANSI", "TRADITIONAL", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS", "MYSQL323", "MYSQL40",
      "DB2", "MAXDB", "MSSQL", "ORACLE", "POSTGRESQL", "NO_AUTO_CREATE_USER", "SORT_NULLS_LAST",
      "ERROR_IF_OVERFLOW", "GROUP_CONCAT_LEGACY", "MODE_DOUBLE_LITERAL", "MODE_DECIMAL_LITERAL"};
  std::vector<std::string> modes;
  for (std::string_view part : Split(text, ',')) {
    std::string mode = ToUpper(Trim(part));
    if (mode.empty()) continue;
    bool known = false;
    for (const char* m : kModes) known = known || mode == m;
    if (!known) {
      return Status::Sql(sql_errors::kWrongValueForVar, "Variable '" + def.name + "' can't be set to the value of '" + mode + "'");
    }
    if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
  }
  std::string out;
  for (const std::string& m : modes) out += (out.empty() ? "" : ",") + m;
  return VariableValue{out};
}

}  // namespace

Result<VariableValue> NormalizeVariableValue(const VariableDef& def, const Value& value) {
  if (value.is_null()) {
    if (def.flags & kVarNullable) return VariableValue{std::nullopt};
    return Status::Sql(sql_errors::kWrongValueForVar,
                       "Variable '" + def.name + "' can't be set to the value of 'NULL'");
  }
  std::string text = value.ToString();
  switch (def.kind) {
    case VarKind::kBool: {
      std::string lower = ToLower(text);
      if (lower == "1" || lower == "on" || lower == "true") return VariableValue{"1"};
      if (lower == "0" || lower == "off" || lower == "false") return VariableValue{"0"};
      return Status::Sql(sql_errors::kWrongValueForVar,
                         "Variable '" + def.name + "' can't be set to the value of '" + text + "'");
    }
    case VarKind::kInt: {
      int64_t i = 0;
      if (def.name == "sql_select_limit" && (EqualsIgnoreCase(text, "DEFAULT") || text == "18446744073709551615")) {
        return VariableValue{def.default_value};
      }
      if (value.type().IsInteger()) return VariableValue{std::to_string(value.int_value())};
      if (ParseInt64(Trim(text), &i)) return VariableValue{std::to_string(i)};
      return Status::Sql(sql_errors::kWrongTypeForVar, "Incorrect argument type to variable '" + def.name + "'");
    }
    case VarKind::kDouble: {
      double d = 0;
      if (value.type().IsNumeric() || ParseDouble(Trim(text), &d)) return VariableValue{text};
      return Status::Sql(sql_errors::kWrongTypeForVar, "Incorrect argument type to variable '" + def.name + "'");
    }
    case VarKind::kString: {
      if (def.name == "sql_mode") return NormalizeSqlMode(def, text);
      if (def.name == "time_zone") {
        // Checked here, not when a function first needs the zone: a bad name is error 1298 at
        // SET (as in StarRocks), and offsets are stored standardized ("+8:00" -> "+08:00").
        // MySQL's SYSTEM (the server's zone) is kept as written.
        if (EqualsIgnoreCase(text, "SYSTEM")) return VariableValue{"SYSTEM"};
        ASSIGN_OR_RETURN(std::string zone, StandardizeTimeZone(text));
        return VariableValue{std::move(zone)};
      }
      if (def.name == "transaction_isolation" || def.name == "tx_isolation") {
        std::string upper = ToUpper(text);
        for (char& c : upper) {
          if (c == ' ') c = '-';
        }
        if (upper != "READ-UNCOMMITTED" && upper != "READ-COMMITTED" && upper != "REPEATABLE-READ" &&
            upper != "SERIALIZABLE") {
          return Status::Sql(sql_errors::kWrongValueForVar,
                             "Variable '" + def.name + "' can't be set to the value of '" + text + "'");
        }
        return VariableValue{upper};
      }
      return VariableValue{text};
    }
  }
  return VariableValue{text};
}

GlobalVariables::GlobalVariables() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  for (const VariableDef& def : AllVariableDefs()) {
    VariableValue v{def.default_value};
    if (def.name == "hostname") v.text = host;
    if (def.name == "socket") v.text = std::nullopt;
    values_[def.name] = v;
  }
}

VariableValue GlobalVariables::Get(const VariableDef& def) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(def.name);
  return it == values_.end() ? VariableValue{def.default_value} : it->second;
}

void GlobalVariables::Set(const VariableDef& def, VariableValue value) {
  std::lock_guard lock(mu_);
  values_[def.name] = std::move(value);
}

}  // namespace basalt::fe
