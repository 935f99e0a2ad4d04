// Scalar function registry: resolves a function name and argument types to a kernel and a
// result type. Operators are functions too ("add", "eq", "and", ...), so the analyzer has one
// path for everything.
//
// Semantics follow StarRocks/MySQL: most functions return NULL when any argument is NULL;
// AND/OR/XOR use three-valued logic; string comparison is byte-wise (case-sensitive, as in
// StarRocks); integer division by zero yields NULL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/expr.h"
#include "engine/time_zone.h"

namespace basalt {

struct ResolvedFunction {
  ScalarKernel kernel;
  DataType result_type;
};

// What a resolved function may depend on besides its arguments.
struct FunctionContext {
  // For from_unixtime, unix_timestamp(datetime), now() and curdate(): the session's time_zone
  // for a statement, the job's `timezone` for a routine load's COLUMNS expressions.
  TimeZone time_zone;
};

// True for the functions whose result depends on FunctionContext::time_zone, so a caller needs a
// zone only when it resolves one of them.
bool IsTimeZoneDependent(std::string_view name);

// NotFound-style SQL error 1305 when the name is unknown; 1582 for a wrong argument count.
Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<DataType>& arg_types);
Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<DataType>& arg_types,
                                         const FunctionContext& context);

// Total order used by comparisons, ORDER BY and DISTINCT: NULL sorts first; numbers compare
// numerically, strings byte-wise, temporal values chronologically; mixed string/number compares
// as numbers (MySQL).
int CompareValues(const Value& a, const Value& b);

// Casts a value to `type`; `strict` turns an unconvertible value into an error instead of NULL.
Result<Value> CastValue(const Value& v, const DataType& type, bool strict = false);

}  // namespace basalt
