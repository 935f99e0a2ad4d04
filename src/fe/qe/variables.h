// System variables: the MySQL-8-era set clients read at connect (shared spec mysql_protocol.md
// §4.2) plus StarRocks' own session variables.
//
// Each variable has a kind that fixes how it prints: SELECT @@x returns integers and booleans as
// BIGINT (`SELECT @@autocommit` -> 1; HikariCP breaks on "OFF"), SHOW VARIABLES prints booleans
// as ON/OFF. Unknown variables that a client sets are accepted and remembered as strings when
// they look like MySQL variables (drivers set many; rejecting them breaks connects), but
// `SELECT @@unknown` is error 1193 as in MySQL.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/value.h"

namespace basalt::fe {

enum class VarKind : uint8_t { kInt, kBool, kString, kDouble };

enum VarFlags : uint8_t {
  kVarSessionAndGlobal = 0,
  kVarGlobalOnly = 1,   // SET SESSION is an error (1229); SET GLOBAL changes it for everyone.
  kVarReadOnly = 2,     // Cannot be set at all (1238).
  kVarNullable = 4,     // May hold NULL (character_set_results after SET ... = NULL).
};

struct VariableDef {
  std::string name;
  VarKind kind;
  std::string default_value;  // Text form; NULL is represented by nullopt in VariableValue.
  uint8_t flags = kVarSessionAndGlobal;
};

// The typed value of a variable as stored: text plus a null flag.
struct VariableValue {
  std::optional<std::string> text;  // nullopt = NULL
};

const std::vector<VariableDef>& AllVariableDefs();
const VariableDef* FindVariableDef(std::string_view name);  // case-insensitive

// SELECT @@x value: ints/bools as BIGINT, strings as VARCHAR, NULL stays NULL.
Value VariableToValue(const VariableDef& def, const VariableValue& v);
// SHOW VARIABLES text: booleans as ON/OFF.
std::string VariableToShowText(const VariableDef& def, const VariableValue& v);
// Validates and normalises a value being SET (ON/OFF/TRUE/1 for booleans, integers checked).
// Errors are 1231 (wrong value) / 1232 (wrong type) naming the variable.
Result<VariableValue> NormalizeVariableValue(const VariableDef& def, const Value& value);

// Global values, shared by all sessions. Thread-safe.
class GlobalVariables {
 public:
  GlobalVariables();
  VariableValue Get(const VariableDef& def) const;
  void Set(const VariableDef& def, VariableValue value);

 private:
  mutable std::mutex mu_;
  std::map<std::string, VariableValue, std::less<>> values_;
};

}  // namespace basalt::fe
