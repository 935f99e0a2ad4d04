// Routine load statements (shared spec starrocks_surface.md §3.2-3.4): CREATE / ALTER / PAUSE /
// RESUME / STOP ROUTINE LOAD change the journaled job; SHOW [ALL] ROUTINE LOAD and SHOW ROUTINE
// LOAD TASK read the job plus what the scheduler knows at runtime; SHOW CREATE ROUTINE LOAD
// prints the statement that makes the job.
#include <algorithm>

#include "common/logging.h"
#include "common/string_util.h"
#include "fe/load/routine_load_job.h"
#include "fe/load/routine_load_scheduler.h"
#include "fe/qe/binder.h"
#include "fe/qe/executor.h"
#include "fe/qe/variables.h"

namespace basalt::fe {
namespace {

bool IsFinal(const std::string& state) { return state == "STOPPED" || state == "CANCELLED"; }

Status NoSuchJob(const std::string& db, const std::string& name) {
  return Status::Sql(kRoutineLoadError, "Routine load job [" + name + "] does not exist in database [" + db + "]");
}

// One ORDER BY item of SHOW ROUTINE LOAD: the column it sorts on and its direction.
struct ShowOrder {
  std::string column;  // As ShowRoutineLoadColumns() spells it.
  bool ascending = true;
};

// The columns StarRocks lets SHOW ROUTINE LOAD sort on (shared spec §3.2), matched case-insensitively.
Result<std::vector<ShowOrder>> ShowRoutineLoadOrder(const std::vector<sql::OrderItem>& items) {
  static const char* const kSortable[] = {"Id",      "Name",      "CreateTime", "PauseTime",
                                          "EndTime", "TableName", "State",      "CurrentTaskNum"};
  std::vector<ShowOrder> out;
  for (const sql::OrderItem& item : items) {
    std::string written = item.expr->kind == sql::ExprKind::kColumnRef && !item.expr->names.empty()
                              ? item.expr->names.back()
                              : std::string();
    const char* column = nullptr;
    for (const char* c : kSortable) {
      if (!written.empty() && EqualsIgnoreCase(written, c)) column = c;
    }
    if (!column) {
      std::string shown = written.empty() ? std::string("expression") : written;
      return Status::Sql(kRoutineLoadError, "Title name[" + shown +
                                                "] does not exist; SHOW ROUTINE LOAD can be ordered by Id, Name, "
                                                "CreateTime, PauseTime, EndTime, TableName, State, CurrentTaskNum");
    }
    out.push_back({column, item.ascending});
  }
  if (out.empty()) out.push_back({"Id", true});  // StarRocks' default order
  return out;
}

// <0, 0, >0 as job a sorts before, with, after job b on `column` (ascending).
int CompareShowColumn(const std::string& column, const proto::RoutineLoadJobMeta& a, const RoutineLoadRuntime& ra,
                      const std::vector<std::optional<std::string>>& row_a, const proto::RoutineLoadJobMeta& b,
                      const RoutineLoadRuntime& rb, const std::vector<std::optional<std::string>>& row_b) {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  // Numbers and times compare as values (unset times, shown as NULL, first); text as shown.
  if (column == "Id") return three_way(a.id(), b.id());
  if (column == "CurrentTaskNum") return three_way(ra.current_task_num, rb.current_task_num);
  auto time = [](int64_t ms) { return ms <= 0 ? int64_t{-1} : ms; };
  if (column == "CreateTime") return three_way(time(a.create_time_ms()), time(b.create_time_ms()));
  if (column == "PauseTime") return three_way(time(a.pause_time_ms()), time(b.pause_time_ms()));
  if (column == "EndTime") return three_way(time(a.end_time_ms()), time(b.end_time_ms()));
  const std::vector<std::string>& names = ShowRoutineLoadColumns();
  size_t index = std::find(names.begin(), names.end(), column) - names.begin();
  return three_way(row_a[index].value_or(""), row_b[index].value_or(""));
}

}  // namespace

std::vector<ShownRoutineLoadJob> RoutineLoadJobsForShow(const FeContext& fe) {
  std::vector<ShownRoutineLoadJob> out;
  for (proto::RoutineLoadJobMeta& job : fe.catalog->ListRoutineLoadJobs()) {
    // Jobs name their database and table by id; once either is dropped the names are shown as the
    // ids (as StarRocks does), so a database re-created under the old name does not list them.
    auto db = fe.catalog->FindDatabase(job.db());
    if (!db || db->id() != job.db_id()) job.set_db(std::to_string(job.db_id()));
    if (!fe.catalog->FindTableById(job.table_id())) job.set_table(std::to_string(job.table_id()));
    RoutineLoadRuntime runtime;
    if (fe.routine_loads && job.state() == "RUNNING") {
      runtime = fe.routine_loads->Runtime(job.id());
    } else if (fe.routine_loads) {
      // Paused and finished jobs hold no tasks, but keep the last known watermarks and message.
      RoutineLoadRuntime last = fe.routine_loads->Runtime(job.id());
      runtime.latest_positions = std::move(last.latest_positions);
      runtime.other_msg = std::move(last.other_msg);
    }
    out.push_back({std::move(job), std::move(runtime)});
  }
  return out;
}

LoadExprBinder RoutineLoadExprBinder(const FeContext* fe, Session* session) {
  // A binder without a session (the scheduler's re-binding after a schema change) gets a fresh
  // one per call, so concurrent tasks share no session state; constant-folded session functions
  // then see the global variables rather than those of the CREATE's session.
  return [fe, session](const sql::Expr& e, const std::vector<LoadExprColumn>& columns) -> Result<ExprPtr> {
    std::optional<Session> own;
    if (!session) own.emplace(0, "routine_load", fe->globals);
    BindContext ctx;
    ctx.fe = fe;
    ctx.session = session ? session : &*own;
    ctx.defer_clock_functions = true;  // now() etc. run on the CN in the job's timezone.
    for (const LoadExprColumn& c : columns) ctx.columns.push_back({"", c.name, c.type});
    return BindExpr(e, ctx);
  };
}

Result<QueryResult> Executor::ExecuteRoutineLoad(const sql::Statement& stmt) {
  const sql::RoutineLoadStmt& rl = *stmt.routine_load;
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(rl.job.db));
  const std::string& name = rl.job.table;
  proto::JournalEntry entry;
  std::string action;
  // COLUMNS expressions and WHERE are bound with this session (constant functions fold here),
  // over the load's source and derived columns (BindRoutineLoadExprs).
  LoadExprBinder binder = RoutineLoadExprBinder(fe_, session_);

  if (stmt.kind == sql::StatementKind::kCreateRoutineLoad) {
    RoutineLoadDefaults defaults;
    if (const VariableDef* def = FindVariableDef("time_zone")) {
      VariableValue tz = session_->GetVariable(*def);
      if (tz.text && !tz.text->empty() && !EqualsIgnoreCase(*tz.text, "SYSTEM")) defaults.timezone = *tz.text;
    }
    auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
      auto db = catalog.FindDatabase(db_name);
      if (!db) return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db_name + "'");
      auto table = catalog.FindTable(db_name, rl.table);
      if (!table) return Status::Sql({1146, "42S02"}, "Table '" + db_name + "." + rl.table + "' doesn't exist");
      if (auto existing = catalog.FindRoutineLoadJob(db_name, name); existing && !IsFinal(existing->state())) {
        return Status::Sql(kRoutineLoadError, "Name " + name + " already used in db " + db_name);
      }
      ASSIGN_OR_RETURN(proto::RoutineLoadJobMeta job, BuildRoutineLoadJob(rl, *db, *table, defaults));
      RETURN_IF_ERROR(BindRoutineLoadExprs(*table, binder, &job));
      job.set_id(catalog.PeekNextId());
      job.set_create_time_ms(NowMillis());
      job.set_user(session_->user());
      *e->mutable_create_routine_load_job()->mutable_job() = std::move(job);
      return Status::OK();
    };
    ASSIGN_OR_RETURN(uint64_t seq, fe_->meta->Submit(std::move(entry), validate));
    LOG(INFO) << "created routine load " << db_name << "." << name << " on " << rl.table << " (journal seq " << seq
              << ")";
    if (fe_->routine_loads) fe_->routine_loads->Wake();
    return QueryResult{};
  }

  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto job = catalog.FindRoutineLoadJob(db_name, name);
    if (!job) return NoSuchJob(db_name, name);
    const std::string state = job->state();
    switch (stmt.kind) {
      case sql::StatementKind::kPauseRoutineLoad:
        action = "paused";
        if (state != "RUNNING" && state != "NEED_SCHEDULE") {
          return Status::Sql(kRoutineLoadError, "Could not transform " + state + " to PAUSED");
        }
        job->set_state("PAUSED");
        job->set_pause_time_ms(NowMillis());
        job->mutable_reason()->set_code(kErrManualPause);
        job->mutable_reason()->set_msg("User " + session_->user() + " pauses routine load job");
        break;
      case sql::StatementKind::kResumeRoutineLoad:
        action = "resumed";
        if (state != "PAUSED") {
          return Status::Sql(kRoutineLoadError, "Could not transform " + state + " to NEED_SCHEDULE: only a PAUSED job can be resumed");
        }
        job->set_state("NEED_SCHEDULE");
        job->set_pause_time_ms(-1);
        job->clear_reason();
        break;
      case sql::StatementKind::kStopRoutineLoad:
        action = "stopped";
        if (IsFinal(state)) return Status::Sql(kRoutineLoadError, "Could not transform " + state + " to STOPPED");
        job->set_state("STOPPED");
        job->set_end_time_ms(NowMillis());
        job->mutable_reason()->set_code(kErrManualStop);
        job->mutable_reason()->set_msg("User " + session_->user() + " stop routine load job");
        break;
      case sql::StatementKind::kAlterRoutineLoad: {
        action = "altered";
        auto table = catalog.FindTableById(job->table_id());
        if (!table) return Status::Sql({1146, "42S02"}, "Table '" + db_name + "." + job->table() + "' doesn't exist");
        proto::RoutineLoadJobMeta altered = *job;
        RETURN_IF_ERROR(AlterRoutineLoadJob(rl, *table, &altered));
        RETURN_IF_ERROR(BindRoutineLoadExprs(*table, binder, &altered));
        *job = std::move(altered);
        break;
      }
      default:
        return Status::Internal("not a routine load control statement");
    }
    *e->mutable_update_routine_load_job()->mutable_job() = std::move(*job);
    return Status::OK();
  };
  ASSIGN_OR_RETURN(uint64_t seq, fe_->meta->Submit(std::move(entry), validate));
  LOG(INFO) << action << " routine load " << db_name << "." << name << " (journal seq " << seq << ")";
  if (fe_->routine_loads) fe_->routine_loads->Wake();
  return QueryResult{};
}

Result<TextResultBuilder> Executor::ShowRoutineLoad(const sql::ShowStmt& show) {
  std::string db = !show.table.db.empty() ? show.table.db : show.db;
  ASSIGN_OR_RETURN(db, ResolveUserDatabase(db));
  ASSIGN_OR_RETURN(std::vector<ShowOrder> order, ShowRoutineLoadOrder(show.order_by));
  struct Shown {
    proto::RoutineLoadJobMeta job;
    RoutineLoadRuntime runtime;
    std::vector<std::optional<std::string>> row;
  };
  std::vector<Shown> shown;
  bool found = false;
  for (auto& [job, runtime] : RoutineLoadJobsForShow(*fe_)) {
    if (job.db() != db) continue;
    if (!show.table.table.empty() && job.name() != show.table.table) continue;
    found = true;
    if (!show.all && IsFinal(job.state())) continue;
    auto row = ShowRoutineLoadRow(job, runtime);
    shown.push_back({std::move(job), std::move(runtime), std::move(row)});
  }
  if (!show.table.table.empty() && !found) return NoSuchJob(db, show.table.table);
  std::stable_sort(shown.begin(), shown.end(), [&](const Shown& a, const Shown& b) {
    for (const ShowOrder& o : order) {
      int c = CompareShowColumn(o.column, a.job, a.runtime, a.row, b.job, b.runtime, b.row);
      if (c != 0) return o.ascending ? c < 0 : c > 0;
    }
    return false;
  });
  // LIMIT applies after WHERE, so ExecuteShow cuts the filtered result.
  TextResultBuilder b(ShowRoutineLoadColumns());
  for (Shown& s : shown) b.AddRow(std::move(s.row));
  return b;
}

Result<TextResultBuilder> Executor::ShowCreateRoutineLoad(const sql::ShowStmt& show) {
  ASSIGN_OR_RETURN(std::string db, ResolveUserDatabase(show.table.db));
  // Stopped and cancelled jobs too (StarRocks looks in the history as well): their statement is
  // how one recreates them.
  auto job = fe_->catalog->FindRoutineLoadJob(db, show.table.table);
  if (!job) return NoSuchJob(db, show.table.table);
  TextResultBuilder b({"Job", "Create Job"});
  b.AddRow({job->name(), ShowCreateRoutineLoadText(*job)});
  return b;
}

Result<TextResultBuilder> Executor::ShowRoutineLoadTask(const sql::ShowStmt& show) {
  ASSIGN_OR_RETURN(std::string db, ResolveUserDatabase(show.db));
  TextResultBuilder b({"JobName", "TaskId", "TxnId", "TxnStatus", "JobId", "CreateTime", "LastScheduledTime",
                       "ExecuteStartTime", "Timeout", "BeId", "DataSourceProperties", "Message"});
  auto time_or_null = [](int64_t ms) -> std::optional<std::string> {
    if (ms <= 0) return std::nullopt;
    return FormatDateTimeMillis(ms);
  };
  for (const proto::RoutineLoadJobMeta& job : fe_->catalog->ListRoutineLoadJobs()) {
    if (job.db() != db || !fe_->routine_loads || job.state() != "RUNNING") continue;
    for (const RoutineLoadTaskInfo& task : fe_->routine_loads->Tasks(job.id())) {
      std::string progress = "Progress:{";
      bool first = true;
      for (const auto& [p, offset] : task.begin_offsets) {
        progress += (first ? "" : ",") + JsonQuote(std::to_string(p)) + ":" + std::to_string(offset);
        first = false;
      }
      progress += "},LatestOffset:null";
      b.AddRow({job.name(), task.task_id, std::to_string(task.txn_id), task.txn_status, std::to_string(job.id()),
                time_or_null(task.create_time_ms), time_or_null(task.last_scheduled_time_ms),
                time_or_null(task.execute_start_time_ms), std::to_string(task.timeout_s), std::to_string(task.be_id),
                progress, task.message});
    }
  }
  return b;
}

}  // namespace basalt::fe
