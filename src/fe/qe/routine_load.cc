// Routine load statements (shared spec starrocks_surface.md §3.2-3.4): CREATE / ALTER / PAUSE /
// RESUME / STOP ROUTINE LOAD change the journaled job; SHOW [ALL] ROUTINE LOAD and SHOW ROUTINE
// LOAD TASK read the job plus what the scheduler knows at runtime.
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

}  // namespace

Result<QueryResult> Executor::ExecuteRoutineLoad(const sql::Statement& stmt) {
  const sql::RoutineLoadStmt& rl = *stmt.routine_load;
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(rl.job.db));
  const std::string& name = rl.job.table;
  proto::JournalEntry entry;
  std::string action;
  // COLUMNS expressions and WHERE are bound with this session (constant functions fold here),
  // over the load's source and derived columns (BindRoutineLoadExprs).
  LoadExprBinder binder = [this](const sql::Expr& e, const std::vector<LoadExprColumn>& columns) -> Result<ExprPtr> {
    BindContext ctx;
    ctx.fe = fe_;
    ctx.session = session_;
    for (const LoadExprColumn& c : columns) ctx.columns.push_back({"", c.name, c.type});
    return BindExpr(e, ctx);
  };

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
  TextResultBuilder b(ShowRoutineLoadColumns());
  bool found = false;
  for (const proto::RoutineLoadJobMeta& job : fe_->catalog->ListRoutineLoadJobs()) {
    if (job.db() != db) continue;
    if (!show.table.table.empty() && job.name() != show.table.table) continue;
    found = true;
    if (!show.all && IsFinal(job.state())) continue;
    RoutineLoadRuntime runtime;
    if (fe_->routine_loads && job.state() == "RUNNING") runtime = fe_->routine_loads->Runtime(job.id());
    if (fe_->routine_loads && job.state() != "RUNNING") {
      // Paused and finished jobs hold no tasks, but keep the last known watermarks.
      RoutineLoadRuntime last = fe_->routine_loads->Runtime(job.id());
      runtime.latest_positions = std::move(last.latest_positions);
      runtime.other_msg = std::move(last.other_msg);
    }
    b.AddRow(ShowRoutineLoadRow(job, runtime));
  }
  if (!show.table.table.empty() && !found) return NoSuchJob(db, show.table.table);
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
