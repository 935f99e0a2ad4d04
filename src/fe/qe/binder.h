// Binder: resolves names and types in a parsed expression and builds an engine Expr.
//
// Session-dependent functions (DATABASE(), USER(), CONNECTION_ID(), NOW(), ...) and variables
// (@@x, @x) are constant within a statement, so they are folded to literals here and the engine
// stays free of session state. The one session setting the engine does see is the time zone:
// zone-dependent functions are resolved with the session's time_zone, as StarRocks evaluates
// them.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/expr.h"
#include "engine/time_zone.h"
#include "fe/qe/fe_context.h"
#include "fe/sql/ast.h"

namespace basalt::fe {

// The columns an expression may reference: (table alias, column name, type), by position.
struct BindColumn {
  std::string table;  // alias or table name; matched case-insensitively
  std::string name;
  DataType type;
};

struct BindContext {
  const FeContext* fe = nullptr;
  Session* session = nullptr;
  std::vector<BindColumn> columns;
  // Values bound to `?` placeholders (prepared statements).
  const std::vector<Value>* parameters = nullptr;
  // Runs an uncorrelated scalar subquery and returns its single value.
  std::function<Result<Value>(const sql::SelectStmt&)> scalar_subquery;
  // Parsed sub-expressions already computed into a column (aggregate results): binding one of
  // these nodes yields a reference to that column instead.
  std::map<const sql::Expr*, size_t> substitutions;
  // Leave now() / current_timestamp() / curdate() unfolded: a routine load evaluates them on the
  // CN, per batch and in the job's timezone, instead of freezing the CREATE statement's clock.
  bool defer_clock_functions = false;
  // The zone of the time-zone-dependent functions (from_unixtime, unix_timestamp, now, curdate):
  // loaded from the session's time_zone on first use when unset, then shared by the whole tree.
  std::optional<TimeZone> time_zone;
};

// The session's time_zone (SYSTEM is the FE's system_time_zone); 1298 when it is not a zone.
Result<TimeZone> SessionTimeZone(const Session& session, const FeContext& fe);

Result<ExprPtr> BindExpr(const sql::Expr& expr, BindContext& ctx);

// True for a call of an aggregate function (COUNT, SUM, ...): the executor computes these per
// group, and binding one anywhere else is error 1111.
bool IsAggregateCall(const sql::Expr& e);

// Value of @@name for this session: 1193 "Unknown system variable" when not defined.
Result<Value> ReadSystemVariable(Session& session, const FeContext& fe, const std::string& name,
                                 sql::VariableScope scope);

}  // namespace basalt::fe
