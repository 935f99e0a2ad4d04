// Executes one parsed statement for a session and produces a QueryResult.
//
// FE-local statements (SET, SHOW, DDL, constant SELECT, information_schema) run here. Queries over
// user tables are planned into fragments for the compute nodes by the query engine.
#pragma once

#include <vector>

#include "common/status.h"
#include "fe/load/routine_load_job.h"
#include "fe/qe/fe_context.h"
#include "fe/qe/query_result.h"
#include "fe/sql/ast.h"

namespace basalt::fe {

class Executor {
 public:
  Executor(FeContext* fe, Session* session) : fe_(fe), session_(session) {}

  // `parameters` binds `?` placeholders of a prepared statement.
  Result<QueryResult> Execute(const sql::Statement& stmt, const std::vector<Value>* parameters = nullptr);

 private:
  Result<QueryResult> ExecuteSelect(const sql::SelectStmt& select);
  Result<QueryResult> ExecuteUnion(const sql::SelectStmt& select);
  int64_t EffectiveLimit(const sql::SelectStmt& select) const;
  Result<QueryResult> ExecuteSet(const sql::SetStmt& set);
  Result<QueryResult> ExecuteShow(const sql::ShowStmt& show);
  Result<QueryResult> ExecuteUse(const std::string& db);
  Result<QueryResult> ExecuteCreateDatabase(const sql::Statement& stmt);
  Result<QueryResult> ExecuteDropDatabase(const sql::Statement& stmt);
  Result<QueryResult> ExecuteUserStatement(const sql::Statement& stmt);
  Result<QueryResult> ExecuteKill(const sql::Statement& stmt);
  Result<QueryResult> ExecuteAlterSystem(const sql::Statement& stmt);
  Result<QueryResult> ExecuteDescribe(const sql::TableName& table);
  Result<QueryResult> ExecuteStorageVolume(const sql::Statement& stmt);
  Result<QueryResult> ExecuteCreateTable(const sql::CreateTableStmt& stmt);
  Result<QueryResult> ExecuteDropTable(const sql::Statement& stmt);
  Result<QueryResult> ExecuteTruncateTable(const sql::Statement& stmt);
  Result<QueryResult> ExecuteAlterTable(const sql::Statement& stmt);
  Result<QueryResult> ExecuteInsert(const sql::Statement& stmt);
  // CREATE / ALTER / PAUSE / RESUME / STOP ROUTINE LOAD (routine_load.cc).
  Result<QueryResult> ExecuteRoutineLoad(const sql::Statement& stmt);
  // SHOW [ALL] ROUTINE LOAD and SHOW ROUTINE LOAD TASK rows before WHERE filtering; the task
  // listing has a leading JobName column for the WHERE to match (dropped by the caller).
  Result<TextResultBuilder> ShowRoutineLoad(const sql::ShowStmt& show);
  Result<TextResultBuilder> ShowRoutineLoadTask(const sql::ShowStmt& show);
  // SHOW CREATE ROUTINE LOAD [db.]job: Job, Create Job.
  Result<TextResultBuilder> ShowCreateRoutineLoad(const sql::ShowStmt& show);
  // Reads every visible row of a user table through a compute node (table_scan.cc).
  Status ScanUserTable(const proto::TableMeta& table, std::vector<ResultColumn>* columns, Chunk* rows);
  // The database a statement names (or the current one); 1046 / 1049 when there is none.
  Result<std::string> ResolveUserDatabase(const std::string& named);

  Result<Value> EvaluateScalar(const sql::Expr& expr);
  Result<Value> ScalarSubquery(const sql::SelectStmt& select);
  Status SetPassword(const std::string& user, const std::string& password);

  FeContext* fe_;
  Session* session_;
  const std::vector<Value>* parameters_ = nullptr;
};

// SHA1(SHA1(password)), what mysql_native_password verifies against; empty for no password.
std::string NativePasswordHash(std::string_view password);

// Every routine load job as SHOW ROUTINE LOAD and information_schema.routine_load_jobs show it: the
// database and table names of dropped ones replaced by their ids, and the runtime state (tasks and
// the UNSTABLE substate only while RUNNING) (routine_load.cc).
struct ShownRoutineLoadJob {
  proto::RoutineLoadJobMeta job;
  RoutineLoadRuntime runtime;
};
std::vector<ShownRoutineLoadJob> RoutineLoadJobsForShow(const FeContext& fe);
// Binds routine load COLUMNS / WHERE with fe::BindExpr. With a null session (the scheduler's
// re-binding after a schema change) each call binds in a fresh session on the global variables.
LoadExprBinder RoutineLoadExprBinder(const FeContext* fe, Session* session);

}  // namespace basalt::fe
