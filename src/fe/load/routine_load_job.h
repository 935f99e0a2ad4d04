// Routine load jobs: turning CREATE / ALTER ROUTINE LOAD into the journaled job definition
// (validation and defaults of every property, shared spec starrocks_surface.md §3.1), and rendering
// a job the way SHOW ROUTINE LOAD prints it (§3.3: column order, JSON key order, value formats).
//
// The JSON columns are compact, with every JobProperties value a string and every Statistic value
// a number, keys in the order StarRocks prints them (Java HashMap iteration order of its key set),
// so the output is byte-identical with StarRocks for the same job.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/sql_errors.h"
#include "common/status.h"
#include "engine/expr.h"
#include "fe/sql/ast.h"
#include "journal.pb.h"

namespace basalt::fe {

// StarRocks reports routine load analysis errors as 1064 / HY000.
inline constexpr SqlError kRoutineLoadError{1064, "HY000"};

// InternalErrorCode values shown in ReasonOfStateChanged.
inline constexpr int kErrPartitions = 4;
inline constexpr int kErrTable = 6;
inline constexpr int kErrManualPause = 100;
inline constexpr int kErrManualStop = 101;
inline constexpr int kErrTooManyFailureRows = 102;
inline constexpr int kErrTasksAbort = 104;

// Kafka offset sentinels (as in StarRocks' KafkaProgress).
inline constexpr int64_t kOffsetEnd = -1;
inline constexpr int64_t kOffsetBeginning = -2;

struct RoutineLoadDefaults {
  std::string timezone = "Etc/UTC";  // The session's time_zone at CREATE.
  int64_t consume_second = 15;       // routine_load_task_consume_second
  int64_t timeout_second = 60;       // routine_load_task_timeout_second
  int64_t max_concurrent = 5;        // max_routine_load_task_concurrent_num
};

// The job CREATE ROUTINE LOAD describes, validated: state NEED_SCHEDULE, statistics zero.
// `table` is the target table (the caller resolved it); id and times are filled by the caller.
Result<proto::RoutineLoadJobMeta> BuildRoutineLoadJob(const sql::RoutineLoadStmt& stmt, const proto::DatabaseMeta& db,
                                                      const proto::TableMeta& table, const RoutineLoadDefaults& defaults);

// Applies ALTER ROUTINE LOAD to a PAUSED job (only the alterable properties, §3.2).
Status AlterRoutineLoadJob(const sql::RoutineLoadStmt& stmt, const proto::TableMeta& table,
                           proto::RoutineLoadJobMeta* job);

// A column a load expression may reference: COLUMNS names with their types, by position.
struct LoadExprColumn {
  std::string name;
  DataType type;
};
// Binds a parsed expression over `columns` (ColumnRef i = columns[i]). The executor passes
// fe::BindExpr with its session; this library sits below the binder and cannot call it.
using LoadExprBinder =
    std::function<Result<ExprPtr>(const sql::Expr& expr, const std::vector<LoadExprColumn>& columns)>;

// Binds the job's COLUMNS items and WHERE (re-parsed from their text, so an ALTER that changes
// one, or the jsonpaths, rebinds both) into load_columns / where (proto/routine_load.proto
// RoutineLoadFormatPB has the semantics). Source columns are the COLUMNS items without `= expr`
// or, without COLUMNS, the table's columns (the first len(jsonpaths) with JSON jsonpaths); a source
// named like a table column has that column's type, others VARCHAR. Derived item i sees the
// sources and derived items before it; WHERE sees all. When COLUMNS is a plain list and there is
// no WHERE, load_columns and where are cleared (column_names serves the job). Errors: the
// binder's (1054 for an unknown column, 1111 for an aggregate), or kRoutineLoadError for a WHERE
// that is not a predicate.
Status BindRoutineLoadExprs(const proto::TableMeta& table, const LoadExprBinder& bind, proto::RoutineLoadJobMeta* job);

// What the scheduler knows about a job that is not journaled.
struct RoutineLoadRuntime {
  int current_task_num = 0;
  int current_concurrency = 0;                  // currentTaskConcurrentNum
  std::map<int32_t, int64_t> latest_positions;  // partition -> high watermark
  std::string other_msg;                        // "[yyyy-MM-dd HH:mm:ss] ..."
};

// SHOW ROUTINE LOAD's columns, in order.
const std::vector<std::string>& ShowRoutineLoadColumns();
// One row (NULL cells as nullopt).
std::vector<std::optional<std::string>> ShowRoutineLoadRow(const proto::RoutineLoadJobMeta& job,
                                                           const RoutineLoadRuntime& runtime);

// Pieces of the row, exposed for tests and for SHOW ROUTINE LOAD TASK.
std::string RoutineLoadJobPropertiesJson(const proto::RoutineLoadJobMeta& job, int current_concurrency);
std::string RoutineLoadStatisticJson(const proto::RoutineLoadStatisticsPB& stats);
std::string RoutineLoadProgressJson(const proto::RoutineLoadJobMeta& job);
std::string ErrorReasonText(const proto::ErrorReasonPB& reason);
// "yyyy-MM-dd HH:mm:ss" (UTC), the FE's display format.
std::string FormatDateTimeMillis(int64_t ms);
// The jsonpaths property: a JSON array of strings such as ["$.uid","$.site"]. 1064 naming the text
// when it is anything else.
Result<std::vector<std::string>> ParseJsonStringArray(std::string_view text);
// A JSON string literal (compact, no HTML escaping).
std::string JsonQuote(std::string_view s);

}  // namespace basalt::fe
