// INSERT INTO t [PARTITION (...)] [WITH LABEL l] [(cols)] [PROPERTIES (...)] {VALUES ... | SELECT ...}
//
// One INSERT is one load transaction (DESIGN.md "The commit rule"):
//   1. analyze: target columns, the source rows (VALUES evaluated here, or the SELECT's result),
//      every value converted to its column's type; rows that cannot be stored are "filtered"
//      (a failed conversion, NULL into NOT NULL, a string longer than the column, an integer out of
//      the column's range, a row no partition holds). With strict mode (enable_insert_strict,
//      default true, or PROPERTIES("strict_mode")) any filtered row fails the statement before
//      anything is written; without it they are dropped and reported as warnings.
//   2. BeginTxn (journal): the label is claimed, a txn id assigned.
//   3. TableWriter sends the rows to one compute node, which writes segments and txn logs.
//   4. CommitTxn (journal): one entry makes every written rowset visible.
// A failure after 2 aborts the transaction (its objects are recorded for GC) and returns the error;
// nothing partial is ever visible. The OK packet carries StarRocks' info string
// {'label':'...', 'status':'VISIBLE', 'txnId':'...'}.
#include <algorithm>
#include <set>

#include "common/failpoint.h"
#include "common/logging.h"
#include "common/string_util.h"
#include "engine/functions.h"
#include "fe/load/table_writer.h"
#include "fe/qe/binder.h"
#include "fe/qe/executor.h"
#include "fe/qe/table_ddl.h"
#include "fe/txn/transaction_manager.h"

namespace basalt::fe {
namespace {

constexpr SqlError kInsertError{1064, "HY000"};

// Why `v` (already cast) cannot be stored in `column`, or empty when it can.
std::string StorageProblem(const Value& v, const proto::ColumnMeta& column, const DataType& type) {
  if (v.is_null()) return column.nullable() ? "" : "NULL value in a NOT NULL column";
  switch (type.id) {
    case TypeId::kBoolean:
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt: {
      int64_t lo = type.id == TypeId::kBoolean ? 0 : type.id == TypeId::kTinyInt ? INT8_MIN
                   : type.id == TypeId::kSmallInt ? INT16_MIN : INT32_MIN;
      int64_t hi = type.id == TypeId::kBoolean ? 1 : type.id == TypeId::kTinyInt ? INT8_MAX
                   : type.id == TypeId::kSmallInt ? INT16_MAX : INT32_MAX;
      if (v.int_value() < lo || v.int_value() > hi) return "value " + v.ToString() + " is out of range for " + type.ToSql();
      return "";
    }
    case TypeId::kChar:
    case TypeId::kVarchar:
      if (type.length > 0 && v.string_value().size() > static_cast<size_t>(type.length)) {
        return "string of " + std::to_string(v.string_value().size()) + " bytes is longer than " + type.ToSql();
      }
      return "";
    default:
      return "";
  }
}

}  // namespace

Result<QueryResult> Executor::ExecuteInsert(const sql::Statement& stmt) {
  const sql::InsertStmt& insert = *stmt.insert;
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(insert.table.db));
  auto db = fe_->catalog->FindDatabase(db_name);
  auto table = fe_->catalog->FindTable(db_name, insert.table.table);
  if (!db || !table) {
    return Status::Sql({1146, "42S02"}, "Table '" + db_name + "." + insert.table.table + "' doesn't exist");
  }
  if (insert.overwrite) return Status::Sql(sql_errors::kNotSupportedYet, "INSERT OVERWRITE is not supported yet");
  if (!fe_->txns) return Status::Sql(sql_errors::kNotSupportedYet, "this FE cannot load data (no transaction manager)");

  // Properties: timeout (seconds), strict_mode; anything else is named in the error.
  bool strict = session_->BoolVariable("enable_insert_strict");
  int64_t timeout_s = session_->IntVariable("insert_timeout", 14400);
  for (const auto& [key, value] : insert.properties) {
    if (key == "strict_mode") {
      if (!EqualsIgnoreCase(value, "true") && !EqualsIgnoreCase(value, "false")) {
        return Status::Sql(kInsertError, "Invalid property strict_mode = '" + value + "': expected true or false");
      }
      strict = EqualsIgnoreCase(value, "true");
    } else if (key == "timeout") {
      if (!ParseInt64(value, &timeout_s) || timeout_s <= 0) {
        return Status::Sql(kInsertError, "Invalid property timeout = '" + value + "': expected a positive number of seconds");
      }
    } else {
      return Status::Sql(kInsertError, "Unknown INSERT property '" + key + "' (supported: timeout, strict_mode)");
    }
  }

  // Target columns: the list as written, or every column in order.
  std::vector<int> targets;
  if (insert.columns.empty()) {
    for (int i = 0; i < table->columns_size(); ++i) targets.push_back(i);
  } else {
    for (const std::string& name : insert.columns) {
      int index = -1;
      for (int i = 0; i < table->columns_size(); ++i) {
        if (EqualsIgnoreCase(table->columns(i).name(), name)) index = i;
      }
      if (index < 0) {
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + name + "' in '" + table->name() + "'");
      }
      if (std::find(targets.begin(), targets.end(), index) != targets.end()) {
        return Status::Sql({1110, "42000"}, "Column '" + name + "' specified twice");
      }
      targets.push_back(index);
    }
  }
  std::vector<int> source_of_column(table->columns_size(), -1);
  for (size_t k = 0; k < targets.size(); ++k) source_of_column[targets[k]] = static_cast<int>(k);

  // Values of columns not written, and of DEFAULT in VALUES.
  std::vector<DataType> types;
  std::vector<std::optional<Value>> defaults(table->columns_size());
  for (int i = 0; i < table->columns_size(); ++i) {
    const proto::ColumnMeta& c = table->columns(i);
    types.push_back(ColumnType(c));
    if (c.has_default()) {
      if (c.default_is_expr()) {
        // DEFAULT CURRENT_TIMESTAMP is the statement's now(): the session's time_zone.
        auto now = std::chrono::system_clock::now().time_since_epoch();
        int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
        ASSIGN_OR_RETURN(TimeZone zone, SessionTimeZone(*session_, *fe_));
        int64_t micros = zone.CivilMicrosFromEpochSeconds(seconds);
        defaults[i] = CastValue(Value::Int(micros, DataType::DateTime()), types[i]).ValueOr(Value::Null(types[i]));
      } else {
        ASSIGN_OR_RETURN(defaults[i], CastValue(Value::String(c.default_value()), types[i], /*strict=*/true));
      }
    } else if (c.nullable()) {
      defaults[i] = Value::Null(types[i]);
    } else if (source_of_column[i] < 0) {
      return Status::Sql({1364, "HY000"}, "Field '" + c.name() + "' doesn't have a default value");
    }
  }

  // Source rows, one Value per target column (nullopt = DEFAULT).
  std::vector<std::vector<std::optional<Value>>> source;
  if (insert.query) {
    ASSIGN_OR_RETURN(QueryResult result, ExecuteSelect(*insert.query));
    if (result.columns.size() != targets.size()) {
      return Status::Sql({1136, "21S01"}, "Column count doesn't match value count");
    }
    for (const Chunk& chunk : result.chunks) {
      for (size_t r = 0; r < chunk.num_rows; ++r) {
        std::vector<std::optional<Value>> row;
        for (const ColumnPtr& col : chunk.columns) row.emplace_back(col->GetValue(r));
        source.push_back(std::move(row));
      }
    }
  } else {
    for (size_t r = 0; r < insert.values.size(); ++r) {
      const auto& exprs = insert.values[r];
      if (exprs.size() != targets.size()) {
        return Status::Sql({1136, "21S01"}, "Column count doesn't match value count at row " + std::to_string(r + 1));
      }
      std::vector<std::optional<Value>> row;
      for (const sql::ExprPtr& e : exprs) {
        if (!e) {
          row.emplace_back(std::nullopt);
        } else {
          ASSIGN_OR_RETURN(Value v, EvaluateScalar(*e));
          row.emplace_back(std::move(v));
        }
      }
      source.push_back(std::move(row));
    }
  }

  // Convert into the table's columns; filtered rows are remembered with their first problem.
  Chunk rows;
  for (const DataType& t : types) rows.columns.push_back(Column::Make(t, source.size()));
  std::vector<uint8_t> keep(source.size(), 1);
  size_t filtered = 0;
  std::string first_problem;
  auto filter_row = [&](size_t r, const std::string& problem) {
    if (!keep[r]) return;
    keep[r] = 0;
    ++filtered;
    if (first_problem.empty()) first_problem = "row " + std::to_string(r + 1) + ": " + problem;
  };
  for (size_t r = 0; r < source.size(); ++r) {
    for (int i = 0; i < table->columns_size(); ++i) {
      const proto::ColumnMeta& c = table->columns(i);
      std::optional<Value> raw = source_of_column[i] >= 0 ? source[r][source_of_column[i]] : std::nullopt;
      Value value;
      if (!raw) {
        if (!defaults[i]) return Status::Sql({1364, "HY000"}, "Field '" + c.name() + "' doesn't have a default value");
        value = *defaults[i];
      } else {
        // Cast to an unbounded string type so an over-long value is filtered, not truncated.
        DataType unbounded = types[i];
        if (unbounded.IsStringLike()) unbounded.length = -1;
        Result<Value> cast = CastValue(*raw, unbounded, /*strict=*/true);
        if (!cast.ok()) {
          filter_row(r, "column '" + c.name() + "': " + cast.status().message());
          value = Value::Null(types[i]);
        } else {
          value = std::move(*cast);
        }
      }
      if (std::string problem = StorageProblem(value, c, types[i]); !problem.empty()) {
        filter_row(r, "column '" + c.name() + "': " + problem);
      }
      if (value.is_null()) {
        rows.columns[i]->AppendNull();
      } else {
        rows.columns[i]->AppendValue(value);
      }
    }
  }
  rows.num_rows = source.size();

  ASSIGN_OR_RETURN(std::vector<int> partition_of_row, RoutePartitions(*table, rows));
  std::vector<std::string> allowed = insert.partitions;
  for (const std::string& name : allowed) {
    bool found = false;
    for (const auto& p : table->partitions()) found = found || EqualsIgnoreCase(p.name(), name);
    if (!found) {
      return Status::Sql(kInsertError, "Getting analyzing error. Detail message: Unknown partition '" + name +
                                           "' in table '" + table->name() + "'.");
    }
  }
  for (size_t r = 0; r < rows.num_rows; ++r) {
    if (partition_of_row[r] < 0) {
      filter_row(r, "no partition of " + table->name() + " holds this row (value above every RANGE bound)");
    } else if (!allowed.empty()) {
      const std::string& name = table->partitions(partition_of_row[r]).name();
      bool listed = false;
      for (const std::string& a : allowed) listed = listed || EqualsIgnoreCase(a, name);
      if (!listed) filter_row(r, "the row belongs to partition " + name + ", which the PARTITION clause does not list");
    }
  }
  if (filtered > 0 && strict) {
    return Status::Sql(kInsertError, "Insert has filtered data in strict mode. " + std::to_string(filtered) +
                                         " of " + std::to_string(rows.num_rows) + " rows filtered; first: " +
                                         first_problem);
  }
  if (filtered > 0) {
    rows = rows.Filter(keep);
    std::vector<int> kept;
    for (size_t r = 0; r < keep.size(); ++r) {
      if (keep[r]) kept.push_back(partition_of_row[r]);
    }
    partition_of_row = std::move(kept);
  }
  if (rows.num_rows == 0) {
    QueryResult ok;
    return ok;
  }

  // The transaction.
  std::vector<int64_t> tablet_ids;
  for (int p : std::set<int>(partition_of_row.begin(), partition_of_row.end())) {
    for (const auto& t : table->partitions(p).tablets()) tablet_ids.push_back(t.id());
  }
  auto volume = fe_->catalog->FindStorageVolume(table->properties().at("storage_volume"));
  if (!volume) return Status::Sql(kInsertError, "Storage volume '" + table->properties().at("storage_volume") + "' does not exist");
  ASSIGN_OR_RETURN(proto::VolumeSpecPB volume_spec, VolumeSpecFor(*volume, *fe_->secrets));
  ASSIGN_OR_RETURN(ComputeNodeInfo node, PickComputeNode(fe_->compute_nodes));

  BeginTxnRequest begin;
  begin.db = db_name;
  begin.table = table->name();
  begin.label = insert.label.empty() ? "insert_" + NewUuid() : insert.label;
  begin.timeout = std::chrono::seconds(timeout_s);
  begin.tablet_ids = tablet_ids;
  ASSIGN_OR_RETURN(proto::TxnMeta txn, fe_->txns->Begin(begin));

  auto fail = [&](const Status& error) -> Status {
    Status aborted = fe_->txns->Abort(txn.txn_id(), error.message());
    if (!aborted.ok()) LOG(WARNING) << "abort of transaction " << txn.txn_id() << " failed: " << aborted.ToString();
    if (error.has_explicit_sql_error()) return error;
    return Status::Sql(kInsertError, "INSERT into " + db_name + "." + table->name() + " failed (label " +
                                         txn.label() + ", txn " + std::to_string(txn.txn_id()) + "): " + error.message());
  };
  TableWriterOptions options;
  options.rpc_timeout = std::chrono::seconds(timeout_s);
  TableWriter writer(*db, *table, volume_spec, fe_->compute_nodes->client(), node, txn.txn_id(), options);
  if (Status s = writer.Write(rows, partition_of_row); !s.ok()) return fail(s);
  Result<std::vector<proto::TabletCommitPB>> written = writer.Finish();
  if (!written.ok()) return fail(written.status());
  if (Status s = CheckFailpoint("fe_insert_before_commit"); !s.ok()) return fail(s);
  Result<uint64_t> committed =
      fe_->txns->Commit(txn.txn_id(), std::move(*written), static_cast<int64_t>(rows.num_rows), static_cast<int64_t>(filtered));
  if (!committed.ok()) return fail(committed.status());
  LOG(INFO) << "INSERT into " << db_name << "." << table->name() << ": " << rows.num_rows << " rows, " << filtered
            << " filtered, label " << txn.label() << ", txn " << txn.txn_id() << " VISIBLE (journal seq " << *committed
            << ")";

  QueryResult ok;
  ok.affected_rows = rows.num_rows;
  ok.info = "{'label':'" + txn.label() + "', 'status':'VISIBLE', 'txnId':'" + std::to_string(txn.txn_id()) + "'}";
  if (filtered > 0) {
    session_->warnings.push_back({"Warning", 1265, std::to_string(filtered) + " rows filtered; first: " + first_problem});
  }
  return ok;
}

}  // namespace basalt::fe
