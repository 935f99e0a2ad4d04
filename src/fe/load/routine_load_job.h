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

// InternalErrorCode values shown in ReasonOfStateChanged (StarRocks' InternalErrorCode enum).
inline constexpr int kErrReplicaFew = 3;
inline constexpr int kErrPartitions = 4;
inline constexpr int kErrTable = 6;
inline constexpr int kErrManualPause = 100;
inline constexpr int kErrManualStop = 101;
inline constexpr int kErrTooManyFailureRows = 102;
inline constexpr int kErrCreateTasks = 103;
inline constexpr int kErrTasksAbort = 104;
inline constexpr int kErrSlowRunning = 105;  // SLOW_RUNNING_ERR: the reason an UNSTABLE job shows.

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
  // Set while a RUNNING job is UNSTABLE (a SLOW_RUNNING_ERR reason). Like StarRocks' job
  // substate it is not journaled: the next task that finds data recomputes it.
  std::optional<proto::ErrorReasonPB> unstable;
};

// SHOW ROUTINE LOAD's columns, in order.
const std::vector<std::string>& ShowRoutineLoadColumns();
// One row (NULL cells as nullopt). State is UNSTABLE (with runtime.unstable as the reason) for a
// RUNNING job whose substate is unstable.
std::vector<std::optional<std::string>> ShowRoutineLoadRow(const proto::RoutineLoadJobMeta& job,
                                                           const RoutineLoadRuntime& runtime);
// SHOW CREATE ROUTINE LOAD's Create Job: a CREATE ROUTINE LOAD statement that makes an equivalent
// job (StarRocks' jobPropertiesToSql / dataSourcePropertiesToSql layout: `"key" = "value"` lines).
// Load properties as written; every job property under the name CREATE takes (those Basalt stores
// only when written, only when set); kafka_partitions / kafka_offsets as written at CREATE (not
// the progress; a job that discovers its partitions is not pinned to the current ones); custom
// properties with secrets masked as SHOW ROUTINE LOAD masks them and without the group.id CREATE
// made up. Names are backquoted; ends with ';'.
std::string ShowCreateRoutineLoadText(const proto::RoutineLoadJobMeta& job);

// information_schema.routine_load_jobs' columns, in order: SHOW ROUTINE LOAD's in snake case
// (Statistic as STATISTICS, ReasonOfStateChanged as REASONS_OF_STATE_CHANGED) plus OFFSET_LAG,
// ordered as StarRocks orders them.
const std::vector<std::string>& RoutineLoadJobsTableColumns();
// One row of it: the SHOW ROUTINE LOAD row's cells rearranged, plus OffsetLag.
std::vector<std::optional<std::string>> RoutineLoadJobsTableRow(const proto::RoutineLoadJobMeta& job,
                                                                const RoutineLoadRuntime& runtime);
// OffsetLag: {"<partition>":"<high watermark - next offset to consume>"} for the partitions whose
// watermark is known and whose next offset is resolved; never negative (a watermark read before
// the last commit can trail the progress).
std::string RoutineLoadOffsetLagJson(const proto::RoutineLoadJobMeta& job, const RoutineLoadRuntime& runtime);

// information_schema.load_tracking_logs' TRACKING_LOG for a routine load job: the rejected-row
// lines of its error logs (job.error_log_urls, oldest first), fetched through `fetch`. A log that
// cannot be fetched contributes one line naming the URL and why, so the other logs still show.
// The result stops at max_bytes (with a note) however many logs there are. Empty when the job has
// no error log.
using ErrorLogFetcher = std::function<Result<std::string>(const std::string& url)>;
std::string RoutineLoadTrackingLog(const proto::RoutineLoadJobMeta& job, const ErrorLogFetcher& fetch,
                                   size_t max_bytes);

// ---- Scheduling policies (shared spec §3.5-3.6), pure so they are unit-tested alone ----

// UNSTABLE: the SLOW_RUNNING_ERR reason when the last consumed message of some partition is more
// than threshold_s seconds old (lag = (now - timestamp) / 1000, whole seconds, as StarRocks
// computes it), checking partitions in ascending order; nullopt when every partition keeps up.
// Negative timestamps (no timestamp known) say nothing about lag and are skipped.
std::optional<proto::ErrorReasonPB> UnstableReason(const std::map<int32_t, int64_t>& timestamp_progress,
                                                   int64_t now_ms, int64_t threshold_s);

// max_filter_ratio (§3.7): the pause reason (TOO_MANY_FAILURE_ROWS_ERR, the code StarRocks gives
// its FILTERED_ROWS abort) when a task's error rows are more than the job's maxFilterRatio of its
// selected rows (loaded + error: rows WHERE unselected do not count, as in StarRocks' BE); the
// task's batch must then not be loaded. nullopt when within the ratio, when nothing was selected,
// or when the ratio is 1 (the default, not enforced).
std::optional<proto::ErrorReasonPB> FilterRatioPauseReason(const proto::RoutineLoadJobMeta& job, int64_t total_rows,
                                                           int64_t error_rows, int64_t unselected_rows);

// Auto-resume of jobs paused by a transient infrastructure error (REPLICA_FEW_ERR): at most
// max_resumes within period_min minutes of the first resume of a window; the window restarts after
// that; once the limit is hit the job is locked and only a manual RESUME unlocks it. Never while
// more than max_dead_nodes compute nodes are not alive.
struct AutoResumePolicy {
  int64_t period_min = 5;    // period_of_auto_resume_min
  int64_t max_dead_nodes = 0;  // max_tolerable_backend_down_num
  int max_resumes = 3;
};
// The per-job bookkeeping of that policy (not journaled: StarRocks keeps it in memory too).
struct AutoResumeState {
  int64_t window_start_ms = 0;  // 0 = no resume yet
  int resumes = 0;
  bool locked = false;
};
// True when `job` (PAUSED with REPLICA_FEW_ERR) should be resumed now; updates `state`.
bool ShouldAutoResume(const proto::RoutineLoadJobMeta& job, int64_t dead_nodes, int64_t now_ms,
                      const AutoResumePolicy& policy, AutoResumeState* state);

// Task concurrency: min(partitions, desired_concurrent_number, alive nodes, max_concurrent), and 0
// when any of them is 0 (nothing to run, or nowhere to run it).
int RoutineLoadConcurrency(size_t partitions, int64_t desired, int64_t alive_nodes, int64_t max_concurrent);
// Division: the partition at index i goes to task i % n, so each partition has exactly one owner.
std::vector<std::vector<int32_t>> DividePartitions(const std::vector<int32_t>& partitions, int n);

// Where a job's partitions without an explicit offset start: property.kafka_default_offsets
// (validated at CREATE / ALTER) as kOffsetBeginning, kOffsetEnd or an offset; kOffsetEnd when unset.
int64_t DefaultKafkaOffset(const proto::RoutineLoadJobMeta& job);

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
