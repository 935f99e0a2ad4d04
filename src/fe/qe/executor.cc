#include "fe/qe/executor.h"

#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/logging.h"
#include "common/sha1.h"
#include "common/sql_errors.h"
#include "common/string_util.h"
#include "engine/functions.h"
#include "fe/cluster/compute_node_manager.h"
#include "fe/catalog/storage_volume.h"
#include "fe/qe/binder.h"
#include "fe/qe/system_tables.h"
#include "fe/qe/table_ddl.h"

namespace basalt::fe {
namespace {

QueryResult Ok(uint64_t affected = 0) {
  QueryResult r;
  r.affected_rows = affected;
  return r;
}

std::string FormatMillis(int64_t ms) {
  if (ms <= 0) return "";
  return FormatDateTime(ms * 1000 - (ms * 1000) % 1000000);
}

bool IsInformationSchema(std::string_view db) { return EqualsIgnoreCase(db, kInformationSchema); }

// A named relation with its rows: what FROM produces.
struct Relation {
  std::vector<ResultColumn> columns;
  Chunk rows;
};

bool ValidDatabaseName(const std::string& name) {
  if (name.empty() || name.size() > 256) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Rows of `result` whose first column matches LIKE, or for which WHERE (over the result's
// columns, by name) is true.
Result<QueryResult> FilterShowResult(QueryResult result, const sql::ShowStmt& show, BindContext ctx) {
  if (!show.like && !show.where) return result;
  Chunk& chunk = result.chunks.front();
  std::vector<uint8_t> keep(chunk.num_rows, 1);
  if (show.like) {
    for (size_t row = 0; row < chunk.num_rows; ++row) {
      const Column& first = *chunk.columns[0];
      // SHOW ... LIKE is case-insensitive in MySQL for names.
      keep[row] = !first.IsNull(row) && LikeMatch(first.FormatRow(row), *show.like, true);
    }
  }
  if (show.where) {
    for (const ResultColumn& c : result.columns) ctx.columns.push_back({"", c.name, c.type});
    ASSIGN_OR_RETURN(ExprPtr predicate, BindExpr(*show.where, ctx));
    ASSIGN_OR_RETURN(ColumnPtr mask, predicate->Evaluate(chunk));
    for (size_t row = 0; row < chunk.num_rows; ++row) {
      keep[row] = keep[row] && !mask->IsNull(row) && mask->GetValue(row).AsBool();
    }
  }
  chunk = chunk.Filter(keep);
  return result;
}

std::string RowKey(const Chunk& chunk, size_t row, const std::vector<size_t>& columns) {
  std::string key;
  for (size_t c : columns) {
    const Column& col = *chunk.columns[c];
    if (col.IsNull(row)) {
      key += '\x01';
    } else {
      std::string v = col.FormatRow(row);
      key += '\x02';
      key += std::to_string(v.size());
      key += ':';
      key += v;
    }
  }
  return key;
}

bool ContainsAggregate(const sql::Expr& e) {
  if (IsAggregateCall(e)) return true;
  for (const auto& c : e.children) {
    if (ContainsAggregate(*c)) return true;
  }
  return false;
}

// Evaluates one aggregate over the rows of a group.
Result<Value> Aggregate(const sql::Expr& call, const ColumnPtr& arg, const std::vector<uint32_t>& rows) {
  const std::string& name = call.name;
  if (name == "count") {
    if (!arg) return Value::Int(static_cast<int64_t>(rows.size()));
    int64_t n = 0;
    std::set<std::string> seen;
    for (uint32_t r : rows) {
      if (arg->IsNull(r)) continue;
      if (call.distinct && !seen.insert(arg->FormatRow(r)).second) continue;
      ++n;
    }
    return Value::Int(n);
  }
  std::optional<Value> acc;
  double sum = 0;
  int64_t isum = 0;
  int64_t count = 0;
  std::string concat;
  for (uint32_t r : rows) {
    if (arg->IsNull(r)) continue;
    Value v = arg->GetValue(r);
    ++count;
    if (name == "min" && (!acc || CompareValues(v, *acc) < 0)) acc = v;
    if (name == "max" && (!acc || CompareValues(v, *acc) > 0)) acc = v;
    if (name == "any_value" && !acc) acc = v;
    if (name == "sum" || name == "avg") {
      sum += v.AsDouble();
      if (v.type().IsInteger()) isum += v.int_value();
    }
    if (name == "group_concat") concat += (count > 1 ? "," : "") + v.ToString();
  }
  if (name == "min" || name == "max" || name == "any_value") return acc ? *acc : Value::Null(arg->type());
  if (count == 0) return Value::Null(name == "group_concat" ? DataType::Varchar() : DataType::Double());
  if (name == "sum") return arg->type().IsInteger() ? Value::Int(isum) : Value::Double(sum);
  if (name == "avg") return Value::Double(sum / static_cast<double>(count));
  return Value::String(concat);
}

}  // namespace

std::string NativePasswordHash(std::string_view password) {
  if (password.empty()) return "";
  return Sha1(Sha1(password));
}

Result<QueryResult> Executor::Execute(const sql::Statement& stmt, const std::vector<Value>* parameters) {
  parameters_ = parameters;
  switch (stmt.kind) {
    case sql::StatementKind::kSelect: return ExecuteSelect(*stmt.select);
    case sql::StatementKind::kSet: return ExecuteSet(*stmt.set);
    case sql::StatementKind::kShow: return ExecuteShow(*stmt.show);
    case sql::StatementKind::kUse: return ExecuteUse(stmt.db);
    case sql::StatementKind::kCreateDatabase: return ExecuteCreateDatabase(stmt);
    case sql::StatementKind::kDropDatabase: return ExecuteDropDatabase(stmt);
    case sql::StatementKind::kCreateUser:
    case sql::StatementKind::kAlterUser:
    case sql::StatementKind::kDropUser: return ExecuteUserStatement(stmt);
    case sql::StatementKind::kKill: return ExecuteKill(stmt);
    case sql::StatementKind::kTransaction:
      // Analytic loads are transactional on their own; BEGIN/COMMIT/ROLLBACK are accepted so that
      // drivers and pools work, and only drive the IN_TRANS status flag.
      session_->in_transaction = stmt.transaction_word == "BEGIN";
      return Ok();
    case sql::StatementKind::kAlterSystem: return ExecuteAlterSystem(stmt);
    case sql::StatementKind::kDescribe: return ExecuteDescribe(stmt.table);
    case sql::StatementKind::kCreateStorageVolume:
    case sql::StatementKind::kAlterStorageVolume:
    case sql::StatementKind::kDropStorageVolume:
    case sql::StatementKind::kDescStorageVolume:
    case sql::StatementKind::kSetDefaultStorageVolume: return ExecuteStorageVolume(stmt);
    case sql::StatementKind::kCreateTable: return ExecuteCreateTable(*stmt.create_table);
    case sql::StatementKind::kDropTable: return ExecuteDropTable(stmt);
    case sql::StatementKind::kTruncateTable: return ExecuteTruncateTable(stmt);
    case sql::StatementKind::kAlterTable: return ExecuteAlterTable(stmt);
    case sql::StatementKind::kInsert: return ExecuteInsert(stmt);
    case sql::StatementKind::kCreateRoutineLoad:
    case sql::StatementKind::kAlterRoutineLoad:
    case sql::StatementKind::kPauseRoutineLoad:
    case sql::StatementKind::kResumeRoutineLoad:
    case sql::StatementKind::kStopRoutineLoad: return ExecuteRoutineLoad(stmt);
    case sql::StatementKind::kEmpty: return Status::Sql(sql_errors::kEmptyQuery, "Query was empty");
  }
  return Status::Internal("unhandled statement kind");
}

Result<Value> Executor::EvaluateScalar(const sql::Expr& expr) {
  BindContext ctx;
  ctx.fe = fe_;
  ctx.session = session_;
  ctx.parameters = parameters_;
  ctx.scalar_subquery = [this](const sql::SelectStmt& s) { return ScalarSubquery(s); };
  ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(expr, ctx));
  return EvaluateConstant(*bound);
}

Result<Value> Executor::ScalarSubquery(const sql::SelectStmt& select) {
  ASSIGN_OR_RETURN(QueryResult r, ExecuteSelect(select));
  if (r.columns.size() != 1) return Status::Sql({1241, "21000"}, "Operand should contain 1 column(s)");
  if (r.num_rows() == 0) return Value::Null();
  if (r.num_rows() > 1) return Status::Sql({1242, "21000"}, "Subquery returns more than 1 row");
  for (const Chunk& c : r.chunks) {
    if (c.num_rows) return c.columns[0]->GetValue(0);
  }
  return Value::Null();
}

// ---- SELECT ----------------------------------------------------------------------------------

namespace {

void CollectAggregates(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (IsAggregateCall(e)) {
    out->push_back(&e);
    return;  // Nested aggregates are rejected when the argument is bound.
  }
  for (const auto& c : e.children) CollectAggregates(*c, out);
}

// Appends `other`'s rows to `acc`, converting values to acc's column types.
void AppendRows(Chunk* acc, const Chunk& other) {
  for (size_t c = 0; c < acc->columns.size(); ++c) {
    ColumnPtr merged = Column::Make(acc->columns[c]->type(), acc->num_rows + other.num_rows);
    merged->AppendRange(*acc->columns[c], 0, acc->num_rows);
    for (size_t r = 0; r < other.num_rows; ++r) merged->AppendValue(other.columns[c]->GetValue(r));
    acc->columns[c] = std::move(merged);
  }
  acc->num_rows += other.num_rows;
}

std::vector<uint8_t> DistinctMask(const Chunk& chunk) {
  std::vector<size_t> all(chunk.columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::set<std::string> seen;
  std::vector<uint8_t> keep(chunk.num_rows);
  for (size_t i = 0; i < chunk.num_rows; ++i) keep[i] = seen.insert(RowKey(chunk, i, all)).second;
  return keep;
}

// ORDER BY and LIMIT/OFFSET over `out`, with sort keys already aligned to its rows.
Chunk SortAndLimit(Chunk out, const std::vector<ColumnPtr>& sort_keys, const std::vector<sql::OrderItem>& order_by,
                   int64_t offset, int64_t limit) {
  if (!sort_keys.empty() && out.num_rows > 1) {
    std::vector<uint32_t> order(out.num_rows);
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      for (size_t k = 0; k < sort_keys.size(); ++k) {
        int c = CompareValues(sort_keys[k]->GetValue(a), sort_keys[k]->GetValue(b));
        if (c != 0) return order_by[k].ascending ? c < 0 : c > 0;
      }
      return false;
    });
    out = out.Take(order);
  }
  if (offset > 0 || limit < static_cast<int64_t>(out.num_rows)) {
    std::vector<uint32_t> keep;
    for (int64_t i = offset; i < static_cast<int64_t>(out.num_rows) && static_cast<int64_t>(keep.size()) < limit; ++i) {
      keep.push_back(static_cast<uint32_t>(i));
    }
    out = out.Take(keep);
  }
  return out;
}

}  // namespace

int64_t Executor::EffectiveLimit(const sql::SelectStmt& select) const {
  if (select.limit) return *select.limit;
  // Without LIMIT, the session's sql_select_limit applies (Connector/J's setMaxRows).
  static const VariableDef* const def = FindVariableDef("sql_select_limit");  // every SELECT asks
  int64_t session_limit = session_->IntVariable(*def, -1);
  return session_limit >= 0 ? session_limit : INT64_MAX;
}

Result<QueryResult> Executor::ExecuteUnion(const sql::SelectStmt& select) {
  QueryResult result;
  Chunk acc;
  for (size_t i = 0; i < select.union_members.size(); ++i) {
    ASSIGN_OR_RETURN(QueryResult member, ExecuteSelect(*select.union_members[i]));
    Chunk rows = member.chunks.empty() ? Chunk{} : std::move(member.chunks.front());
    if (i == 0) {
      result = std::move(member);
      result.chunks.clear();
      for (size_t c = 0; c < result.columns.size(); ++c) {
        if (rows.columns.size() <= c) rows.columns.push_back(Column::Make(result.columns[c].type));
      }
      acc = std::move(rows);
      continue;
    }
    if (member.columns.size() != result.columns.size()) {
      return Status::Sql({1222, "21000"}, "The used SELECT statements have a different number of columns");
    }
    // Widen column types so every member's values fit.
    for (size_t c = 0; c < result.columns.size(); ++c) {
      DataType wider = CommonType(result.columns[c].type, member.columns[c].type);
      if (!(wider == result.columns[c].type)) {
        result.columns[c].type = wider;
        ColumnPtr converted = Column::Make(wider, acc.num_rows);
        for (size_t r = 0; r < acc.num_rows; ++r) converted->AppendValue(acc.columns[c]->GetValue(r));
        acc.columns[c] = std::move(converted);
      }
    }
    AppendRows(&acc, rows);
    // UNION DISTINCT removes duplicates from everything to its left.
    if (!select.union_all[i]) acc = acc.Filter(DistinctMask(acc));
  }
  // ORDER BY over the combined result names output columns (or positions).
  BindContext ctx;
  ctx.fe = fe_;
  ctx.session = session_;
  ctx.parameters = parameters_;
  for (const ResultColumn& c : result.columns) ctx.columns.push_back({"", c.name, c.type});
  std::vector<ColumnPtr> keys;
  for (const sql::OrderItem& o : select.order_by) {
    if (o.expr->kind == sql::ExprKind::kLiteral && o.expr->value.type().IsInteger()) {
      int64_t pos = o.expr->value.int_value();
      if (pos < 1 || pos > static_cast<int64_t>(acc.columns.size())) {
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + std::to_string(pos) + "' in 'order clause'");
      }
      keys.push_back(acc.columns[pos - 1]);
      continue;
    }
    ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*o.expr, ctx));
    ASSIGN_OR_RETURN(ColumnPtr key, bound->Evaluate(acc));
    keys.push_back(std::move(key));
  }
  result.chunks.push_back(SortAndLimit(std::move(acc), keys, select.order_by, select.offset, EffectiveLimit(select)));
  return result;
}

Result<QueryResult> Executor::ExecuteSelect(const sql::SelectStmt& select) {
  if (!select.union_members.empty()) return ExecuteUnion(select);
  if (select.from.size() > 1) return Status::Sql(sql_errors::kNotSupportedYet, "joins are not supported yet");

  // 1. FROM: produce the input relation.
  Relation input;
  std::string table_label;
  if (select.from.empty()) {
    input.rows.num_rows = 1;
  } else {
    const sql::TableRef& ref = select.from.front();
    if (ref.derived) {
      ASSIGN_OR_RETURN(QueryResult inner, ExecuteSelect(*ref.derived));
      input.columns = inner.columns;
      if (inner.chunks.empty()) {
        for (const ResultColumn& c : inner.columns) input.rows.columns.push_back(Column::Make(c.type));
      } else {
        input.rows = std::move(inner.chunks.front());
      }
      table_label = ref.alias;
    } else {
      std::string db = ref.name.db.empty() ? session_->current_db() : ref.name.db;
      if (db.empty()) return Status::Sql(sql_errors::kNoDatabaseSelected, "No database selected");
      if (IsInformationSchema(db)) {
        auto table = BuildSystemTable(ref.name.table, *fe_, *session_);
        if (!table) {
          return Status::Sql({1109, "42S02"}, "Unknown table '" + ref.name.table + "' in information_schema");
        }
        input.columns = std::move(table->columns);
        input.rows = std::move(table->rows);
      } else if (!fe_->catalog->FindDatabase(db)) {
        return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db + "'");
      } else if (auto table = fe_->catalog->FindTable(db, ref.name.table)) {
        RETURN_IF_ERROR(ScanUserTable(*table, &input.columns, &input.rows));
      } else {
        return Status::Sql({1146, "42S02"}, "Table '" + db + "." + ref.name.table + "' doesn't exist");
      }
      table_label = ref.alias.empty() ? ref.name.table : ref.alias;
    }
  }

  BindContext ctx;
  ctx.fe = fe_;
  ctx.session = session_;
  ctx.parameters = parameters_;
  ctx.scalar_subquery = [this](const sql::SelectStmt& s) { return ScalarSubquery(s); };
  for (const ResultColumn& c : input.columns) ctx.columns.push_back({table_label, c.name, c.type});

  // 2. WHERE.
  Chunk rows = std::move(input.rows);
  auto filter = [](Chunk* chunk, const ExprPtr& predicate) -> Status {
    ASSIGN_OR_RETURN(ColumnPtr mask, predicate->Evaluate(*chunk));
    std::vector<uint8_t> keep(chunk->num_rows);
    for (size_t i = 0; i < chunk->num_rows; ++i) keep[i] = !mask->IsNull(i) && mask->GetValue(i).AsBool();
    *chunk = chunk->Filter(keep);
    return Status::OK();
  };
  if (select.where) {
    ASSIGN_OR_RETURN(ExprPtr predicate, BindExpr(*select.where, ctx));
    RETURN_IF_ERROR(filter(&rows, predicate));
  }

  // 3. Aggregation: one row per group. Non-aggregated expressions see the group's first row
  // (MySQL without ONLY_FULL_GROUP_BY); aggregate calls are computed per group and substituted.
  std::vector<const sql::Expr*> aggregates;
  for (const sql::SelectItem& item : select.items) CollectAggregates(*item.expr, &aggregates);
  if (select.having) CollectAggregates(*select.having, &aggregates);
  for (const sql::OrderItem& o : select.order_by) CollectAggregates(*o.expr, &aggregates);
  bool aggregate = !aggregates.empty() || !select.group_by.empty();
  Chunk work;
  BindContext work_ctx = ctx;
  if (!aggregate) {
    work = std::move(rows);
  } else {
    std::vector<std::vector<uint32_t>> groups;
    if (select.group_by.empty()) {
      groups.emplace_back();
      for (uint32_t i = 0; i < rows.num_rows; ++i) groups[0].push_back(i);
    } else {
      Chunk key_chunk;
      key_chunk.num_rows = rows.num_rows;
      for (const auto& g : select.group_by) {
        ExprPtr bound;
        if (g->kind == sql::ExprKind::kLiteral && g->value.type().IsInteger()) {
          return Status::Sql(sql_errors::kNotSupportedYet, "GROUP BY <position> is not supported yet");
        }
        ASSIGN_OR_RETURN(bound, BindExpr(*g, ctx));
        ASSIGN_OR_RETURN(ColumnPtr k, bound->Evaluate(rows));
        key_chunk.columns.push_back(std::move(k));
      }
      std::vector<size_t> all(key_chunk.columns.size());
      for (size_t i = 0; i < all.size(); ++i) all[i] = i;
      std::unordered_map<std::string, size_t> index;
      for (uint32_t i = 0; i < rows.num_rows; ++i) {
        auto [it, inserted] = index.emplace(RowKey(key_chunk, i, all), groups.size());
        if (inserted) groups.emplace_back();
        groups[it->second].push_back(i);
      }
    }
    work.num_rows = groups.size();
    for (const ColumnPtr& column : rows.columns) {
      ColumnPtr first_rows = Column::Make(column->type(), groups.size());
      for (const auto& group : groups) {
        if (group.empty()) first_rows->AppendNull(); else first_rows->AppendFrom(*column, group.front());
      }
      work.columns.push_back(std::move(first_rows));
    }
    for (const sql::Expr* call : aggregates) {
      ColumnPtr arg;
      if (!call->children.empty() && call->children[0]->kind != sql::ExprKind::kStar) {
        ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*call->children[0], ctx));
        ASSIGN_OR_RETURN(arg, bound->Evaluate(rows));
      } else if (call->name != "count") {
        return Status::Sql(sql_errors::kWrongParamCount, "aggregate " + ToUpper(call->name) + "() needs an argument");
      }
      std::vector<Value> values;
      for (const auto& group : groups) {
        ASSIGN_OR_RETURN(Value v, Aggregate(*call, arg, group));
        values.push_back(std::move(v));
      }
      DataType type = call->name == "count" ? DataType::BigInt() : arg ? arg->type() : DataType::BigInt();
      if (call->name == "avg" || (call->name == "sum" && !type.IsInteger())) type = DataType::Double();
      if (call->name == "sum" && type.IsInteger()) type = DataType::BigInt();
      if (call->name == "group_concat") type = DataType::Varchar();
      ColumnPtr col = Column::Make(type, values.size());
      for (const Value& v : values) col->AppendValue(v);
      work_ctx.substitutions[call] = work.columns.size();
      work_ctx.columns.push_back({"", "", type});
      work.columns.push_back(std::move(col));
    }
  }
  if (select.having) {
    ASSIGN_OR_RETURN(ExprPtr predicate, BindExpr(*select.having, work_ctx));
    RETURN_IF_ERROR(filter(&work, predicate));
  }

  // 4. Select list (expanding *).
  QueryResult result;
  result.has_result_set = true;
  Chunk out;
  out.num_rows = work.num_rows;
  for (const sql::SelectItem& item : select.items) {
    if (item.expr->kind == sql::ExprKind::kStar) {
      if (select.from.empty()) return Status::Sql({1096, "HY000"}, "No tables used");
      for (size_t i = 0; i < input.columns.size(); ++i) {
        ResultColumn column = input.columns[i];
        column.table = table_label;
        result.columns.push_back(std::move(column));
        out.columns.push_back(work.columns[i]);
      }
      continue;
    }
    ResultColumn column;
    column.name = item.alias.empty() ? item.expr_text : item.alias;
    ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*item.expr, work_ctx));
    ASSIGN_OR_RETURN(ColumnPtr values, bound->Evaluate(work));
    column.type = bound->type();
    if (auto* ref = dynamic_cast<const ColumnRefExpr*>(bound.get()); ref && ref->index() < input.columns.size()) {
      const ResultColumn& source = input.columns[ref->index()];
      column.org_name = source.org_name;
      column.table = table_label;
      column.org_table = source.org_table;
      column.schema = source.schema;
    }
    result.columns.push_back(std::move(column));
    out.columns.push_back(std::move(values));
  }

  // 5. ORDER BY keys: a position, an output column name, or an expression over the work rows.
  std::vector<ColumnPtr> sort_keys;
  for (const sql::OrderItem& o : select.order_by) {
    const sql::Expr& e = *o.expr;
    ColumnPtr key;
    if (e.kind == sql::ExprKind::kLiteral && e.value.type().IsInteger()) {
      int64_t pos = e.value.int_value();
      if (pos < 1 || pos > static_cast<int64_t>(out.columns.size())) {
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + std::to_string(pos) + "' in 'order clause'");
      }
      key = out.columns[pos - 1];
    } else {
      if (e.kind == sql::ExprKind::kColumnRef && e.names.size() == 1) {
        for (size_t i = 0; i < result.columns.size(); ++i) {
          if (EqualsIgnoreCase(result.columns[i].name, e.names[0])) {
            key = out.columns[i];
            break;
          }
        }
      }
      if (!key) {
        ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(e, work_ctx));
        ASSIGN_OR_RETURN(key, bound->Evaluate(work));
      }
    }
    sort_keys.push_back(std::move(key));
  }

  // 6. DISTINCT (keeping sort keys aligned), then ORDER BY and LIMIT.
  if (select.distinct) {
    std::vector<uint8_t> keep = DistinctMask(out);
    out = out.Filter(keep);
    if (!sort_keys.empty()) {
      Chunk keys;
      keys.columns = sort_keys;
      keys.num_rows = keep.size();
      sort_keys = keys.Filter(keep).columns;
    }
  }
  result.chunks.push_back(SortAndLimit(std::move(out), sort_keys, select.order_by, select.offset, EffectiveLimit(select)));
  return result;
}

// ---- SET -------------------------------------------------------------------------------------

Result<QueryResult> Executor::ExecuteSet(const sql::SetStmt& set) {
  // Evaluate and validate every assignment first, then apply: a SET with one bad part changes
  // nothing, as in MySQL.
  std::vector<std::function<Status()>> apply;
  for (const sql::SetAssignment& a : set.assignments) {
    using Kind = sql::SetAssignment::Kind;
    bool global = a.scope == sql::VariableScope::kGlobal;
    // SET GLOBAL is journaled (it survives restarts and reaches every session through the
    // catalog's listener); SET SESSION only touches this session.
    auto set_var = [this, global](const VariableDef& def, VariableValue v) -> Status {
      if (!global) {
        session_->SetSessionVariable(def, std::move(v));
        return Status::OK();
      }
      proto::JournalEntry entry;
      auto* variable = entry.mutable_set_global_variable()->mutable_variable();
      variable->set_name(def.name);
      variable->set_is_null(!v.text.has_value());
      variable->set_value(v.text.value_or(""));
      return fe_->meta->Submit(std::move(entry)).status();
    };
    switch (a.kind) {
      case Kind::kSystemVariable: {
        const VariableDef* def = FindVariableDef(a.name);
        if (!def) return Status::Sql(sql_errors::kUnknownSystemVariable, "Unknown system variable '" + a.name + "'");
        if (def->flags & kVarReadOnly) {
          return Status::Sql({1238, "HY000"}, "Variable '" + def->name + "' is a read only variable");
        }
        if ((def->flags & kVarGlobalOnly) && !global) {
          return Status::Sql({1229, "HY000"},
                             "Variable '" + def->name + "' is a GLOBAL variable and should be set with SET GLOBAL");
        }
        VariableValue value;
        if (a.value->kind == sql::ExprKind::kDefault) {
          value = global ? VariableValue{def->default_value} : fe_->globals->Get(*def);
        } else {
          ASSIGN_OR_RETURN(Value v, EvaluateScalar(*a.value));
          ASSIGN_OR_RETURN(value, NormalizeVariableValue(*def, v));
        }
        apply.push_back([=] {
          RETURN_IF_ERROR(set_var(*def, value));
          // The two spellings of the isolation / read-only variables stay in step.
          static const std::map<std::string, std::string> kTwins = {
              {"transaction_isolation", "tx_isolation"}, {"tx_isolation", "transaction_isolation"},
              {"transaction_read_only", "tx_read_only"}, {"tx_read_only", "transaction_read_only"}};
          if (auto it = kTwins.find(def->name); it != kTwins.end()) {
            RETURN_IF_ERROR(set_var(*FindVariableDef(it->second), value));
          }
          return Status::OK();
        });
        break;
      }
      case Kind::kUserVariable: {
        ASSIGN_OR_RETURN(Value v, EvaluateScalar(*a.value));
        std::string name = a.name;
        apply.push_back([this, name, v] {
          session_->SetUserVariable(name, v);
          return Status::OK();
        });
        break;
      }
      case Kind::kNames:
      case Kind::kCharacterSet: {
        static const std::set<std::string> kCharsets = {"utf8mb4", "utf8", "utf8mb3", "latin1", "ascii", "binary"};
        std::string charset = ToLower(a.name);
        if (!kCharsets.count(charset)) {
          return Status::Sql(sql_errors::kUnknownCharacterSet, "Unknown character set: '" + a.name + "'");
        }
        std::string collation = ToLower(a.collation);
        if (!collation.empty() && !StartsWithIgnoreCase(collation, charset == "utf8mb3" ? "utf8" : charset)) {
          return Status::Sql(sql_errors::kUnknownCollation, "Unknown collation: '" + a.collation + "'");
        }
        bool names = a.kind == Kind::kNames;
        apply.push_back([=]() -> Status {
          RETURN_IF_ERROR(set_var(*FindVariableDef("character_set_client"), VariableValue{charset}));
          RETURN_IF_ERROR(set_var(*FindVariableDef("character_set_results"), VariableValue{charset}));
          if (names) {
            RETURN_IF_ERROR(set_var(*FindVariableDef("character_set_connection"), VariableValue{charset}));
            if (!collation.empty()) {
              RETURN_IF_ERROR(set_var(*FindVariableDef("collation_connection"), VariableValue{collation}));
            }
          }
          return Status::OK();
        });
        break;
      }
      case Kind::kTransaction: {
        std::string text = ToUpper(a.text);
        apply.push_back([=]() -> Status {
          auto set_both = [&](const char* a_name, const char* b_name, const std::string& v) -> Status {
            RETURN_IF_ERROR(set_var(*FindVariableDef(a_name), VariableValue{v}));
            return set_var(*FindVariableDef(b_name), VariableValue{v});
          };
          for (const char* level : {"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"}) {
            if (text.find(std::string("LEVEL ") + level) != std::string::npos) {
              std::string dashed = level;
              std::replace(dashed.begin(), dashed.end(), ' ', '-');
              RETURN_IF_ERROR(set_both("transaction_isolation", "tx_isolation", dashed));
            }
          }
          if (text.find("READ ONLY") != std::string::npos) {
            RETURN_IF_ERROR(set_both("transaction_read_only", "tx_read_only", "1"));
          }
          if (text.find("READ WRITE") != std::string::npos) {
            RETURN_IF_ERROR(set_both("transaction_read_only", "tx_read_only", "0"));
          }
          return Status::OK();
        });
        break;
      }
      case Kind::kPassword: {
        std::string user = a.name.empty() ? session_->user() : a.name;
        std::string password = a.text;
        apply.push_back([this, user, password] { return SetPassword(user, password); });
        break;
      }
    }
  }
  for (auto& step : apply) RETURN_IF_ERROR(step());
  return Ok();
}

Status Executor::SetPassword(const std::string& user, const std::string& password) {
  proto::JournalEntry entry;
  std::string hash = NativePasswordHash(password);
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto existing = catalog.FindUser(user);
    if (!existing) return Status::Sql(sql_errors::kCannotUser, "Operation SET PASSWORD failed for '" + user + "'@'%'");
    auto* u = e->mutable_upsert_user()->mutable_user();
    *u = *existing;
    u->set_password_sha1_sha1(hash);
    return Status::OK();
  };
  return fe_->meta->Submit(std::move(entry), validate).status();
}

// ---- SHOW ------------------------------------------------------------------------------------

Result<QueryResult> Executor::ExecuteShow(const sql::ShowStmt& show) {
  using sql::ShowKind;
  BindContext ctx;
  ctx.fe = fe_;
  ctx.session = session_;
  ctx.parameters = parameters_;
  auto finish = [&](TextResultBuilder& b) { return FilterShowResult(b.Build(), show, ctx); };
  auto resolve_db = [&](const std::string& named) -> Result<std::string> {
    std::string db = named.empty() ? session_->current_db() : named;
    if (db.empty()) return Status::Sql(sql_errors::kNoDatabaseSelected, "No database selected");
    if (!IsInformationSchema(db) && !fe_->catalog->FindDatabase(db)) {
      return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db + "'");
    }
    return db;
  };

  switch (show.kind) {
    case ShowKind::kDatabases: {
      TextResultBuilder b({"Database"});
      b.AddRow({std::string(kInformationSchema)});
      for (const auto& db : fe_->catalog->ListDatabases()) b.AddRow({db.name()});
      return finish(b);
    }
    case ShowKind::kTables: {
      ASSIGN_OR_RETURN(std::string db, resolve_db(show.db));
      std::vector<std::string> names = {"Tables_in_" + db};
      if (show.full) names.push_back("Table_type");
      TextResultBuilder b(names);
      if (IsInformationSchema(db)) {
        for (const std::string& t : SystemTableNames()) {
          if (show.full) b.AddRow({t, "SYSTEM VIEW"}); else b.AddRow({t});
        }
      }
      for (const auto& t : fe_->catalog->ListTables(db)) {
        if (show.full) b.AddRow({t.name(), "BASE TABLE"}); else b.AddRow({t.name()});
      }
      return finish(b);
    }
    case ShowKind::kColumns: {
      std::string db = show.table.db.empty() ? session_->current_db() : show.table.db;
      ASSIGN_OR_RETURN(QueryResult described, ExecuteDescribe(sql::TableName{"", db, show.table.table}));
      std::vector<std::string> names = show.full
          ? std::vector<std::string>{"Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"}
          : std::vector<std::string>{"Field", "Type", "Null", "Key", "Default", "Extra"};
      TextResultBuilder b(names);
      auto user_table = db.empty() ? std::nullopt : fe_->catalog->FindTable(db, show.table.table);
      const Chunk& c = described.chunks.front();
      for (size_t row = 0; row < c.num_rows; ++row) {
        auto cell = [&](size_t col) -> std::optional<std::string> {
          if (c.columns[col]->IsNull(row)) return std::nullopt;
          return c.columns[col]->FormatRow(row);
        };
        if (show.full) {
          std::string comment = user_table && static_cast<int>(row) < user_table->columns_size()
                                    ? user_table->columns(static_cast<int>(row)).comment()
                                    : "";
          b.AddRow({cell(0), cell(1), "utf8mb4_0900_ai_ci", cell(2), cell(3), cell(4), cell(5),
                    "select,insert,update,references", comment});
        } else {
          b.AddRow({cell(0), cell(1), cell(2), cell(3), cell(4), cell(5)});
        }
      }
      return finish(b);
    }
    case ShowKind::kVariables: {
      TextResultBuilder b({"Variable_name", "Value"});
      for (const VariableDef& def : AllVariableDefs()) {
        VariableValue v = show.scope == sql::VariableScope::kGlobal ? fe_->globals->Get(def) : session_->GetVariable(def);
        b.AddRow({def.name, VariableToShowText(def, v)});
      }
      return finish(b);
    }
    case ShowKind::kStatus: {
      TextResultBuilder b({"Variable_name", "Value"});
      b.AddRow({"Ssl_cipher", ""});
      b.AddRow({"Threads_connected", std::to_string(fe_->sessions->size())});
      b.AddRow({"Uptime", std::to_string((NowMillis() - fe_->frontend.start_time_ms) / 1000)});
      return finish(b);
    }
    case ShowKind::kWarnings:
    case ShowKind::kErrors: {
      TextResultBuilder b({"Level", "Code", "Message"});
      b.SetType(1, DataType::BigInt());
      for (const Warning& w : session_->warnings) {
        if (show.kind == ShowKind::kErrors && w.level != "Error") continue;
        b.AddRow({w.level, std::to_string(w.code), w.message});
      }
      return b.Build();
    }
    case ShowKind::kProcesslist: {
      TextResultBuilder b({"Id", "User", "Host", "Db", "Command", "ConnectionStartTime", "Time", "State", "Info", "IsPending"});
      b.SetType(0, DataType::BigInt()).SetType(6, DataType::BigInt());
      int64_t now = NowMillis();
      for (const auto& s : fe_->sessions->List()) {
        Session::ProcessInfo p = s->GetProcessInfo();
        std::string info = p.info;
        if (!show.full && info.size() > 100) info.resize(100);
        b.AddRow({std::to_string(p.id), p.user, p.host, p.db.empty() ? std::nullopt : std::optional<std::string>(p.db),
                  p.command, FormatMillis(p.connect_time_ms), std::to_string((now - p.command_start_ms) / 1000), "OK",
                  info, "false"});
      }
      return finish(b);
    }
    case ShowKind::kFrontends: {
      TextResultBuilder b({"Name", "IP", "EditLogPort", "HttpPort", "QueryPort", "RpcPort", "Role", "ClusterId", "Join",
                           "Alive", "ReplayedJournalId", "LastHeartbeat", "IsHelper", "ErrMsg", "StartTime", "Version"});
      const FrontendInfo& f = fe_->frontend;
      b.AddRow({f.host + "_" + std::to_string(f.edit_log_port) + "_" + std::to_string(f.start_time_ms), f.host,
                std::to_string(f.edit_log_port), std::to_string(f.http_port), std::to_string(f.query_port),
                std::to_string(f.rpc_port), "LEADER", "0", "true", "true", std::to_string(fe_->meta->last_seq()),
                FormatMillis(NowMillis()), "true", "", FormatMillis(f.start_time_ms), f.version});
      return finish(b);
    }
    case ShowKind::kComputeNodes: {
      if (!fe_->compute_nodes) {
        TextResultBuilder b(ComputeNodeManager::ShowComputeNodesColumns());
        return finish(b);
      }
      ShowComputeNodesResult shown = fe_->compute_nodes->ShowComputeNodes();
      TextResultBuilder b(shown.columns);
      for (auto& row : shown.rows) {
        std::vector<std::optional<std::string>> cells(row.begin(), row.end());
        b.AddRow(std::move(cells));
      }
      return finish(b);
    }
    case ShowKind::kBackends: {
      TextResultBuilder b({"BackendId", "IP", "HeartbeatPort", "BePort", "HttpPort", "BrpcPort", "LastStartTime",
                           "LastHeartbeat", "Alive", "SystemDecommissioned", "ClusterDecommissioned", "TabletNum",
                           "DataUsedCapacity", "AvailCapacity", "TotalCapacity", "UsedPct", "MaxDiskUsedPct", "ErrMsg",
                           "Version", "Status", "DataTotalCapacity", "DataUsedPct", "CpuCores", "NumRunningQueries",
                           "MemUsedPct", "CpuUsedPct", "DataCacheMetrics", "location", "StarletPort", "WorkerId"});
      return finish(b);
    }
    case ShowKind::kCreateDatabase: {
      auto db = fe_->catalog->FindDatabase(show.target);
      if (!db) {
        if (IsInformationSchema(show.target)) {
          TextResultBuilder b({"Database", "Create Database"});
          b.AddRow({std::string(kInformationSchema), "CREATE DATABASE `information_schema`"});
          return b.Build();
        }
        return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + show.target + "'");
      }
      std::string text = "CREATE DATABASE `" + db->name() + "`";
      if (!db->properties().empty()) {
        std::map<std::string, std::string> sorted(db->properties().begin(), db->properties().end());
        text += "\nPROPERTIES (";
        bool first = true;
        for (const auto& [k, v] : sorted) {
          text += (first ? "\"" : ", \"") + k + "\" = \"" + v + "\"";
          first = false;
        }
        text += ")";
      }
      TextResultBuilder b({"Database", "Create Database"});
      b.AddRow({db->name(), text});
      return b.Build();
    }
    case ShowKind::kCreateTable: {
      std::string db = show.table.db.empty() ? session_->current_db() : show.table.db;
      if (db.empty()) return Status::Sql(sql_errors::kNoDatabaseSelected, "No database selected");
      if (!IsInformationSchema(db) && !fe_->catalog->FindDatabase(db)) {
        return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db + "'");
      }
      auto table = fe_->catalog->FindTable(db, show.table.table);
      if (!table) return Status::Sql({1146, "42S02"}, "Table '" + db + "." + show.table.table + "' doesn't exist");
      TextResultBuilder b({"Table", "Create Table"});
      b.AddRow({table->name(), ShowCreateTableText(*table)});
      return b.Build();
    }
    case ShowKind::kCharset: {
      TextResultBuilder b({"Charset", "Description", "Default collation", "Maxlen"});
      b.SetType(3, DataType::BigInt());
      b.AddRow({"utf8mb4", "UTF-8 Unicode", "utf8mb4_0900_ai_ci", "4"});
      b.AddRow({"utf8mb3", "UTF-8 Unicode", "utf8mb3_general_ci", "3"});
      b.AddRow({"utf8", "UTF-8 Unicode", "utf8_general_ci", "3"});
      b.AddRow({"binary", "Binary pseudo charset", "binary", "1"});
      return finish(b);
    }
    case ShowKind::kCollation: {
      TextResultBuilder b({"Collation", "Charset", "Id", "Default", "Compiled", "Sortlen", "Pad_attribute"});
      b.SetType(2, DataType::BigInt()).SetType(5, DataType::BigInt());
      auto table = BuildSystemTable("COLLATIONS", *fe_, *session_);
      for (size_t row = 0; row < table->rows.num_rows; ++row) {
        std::vector<std::optional<std::string>> cells;
        for (const ColumnPtr& c : table->rows.columns) cells.push_back(c->FormatRow(row));
        b.AddRow(std::move(cells));
      }
      return finish(b);
    }
    case ShowKind::kEngines: {
      TextResultBuilder b({"Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"});
      b.AddRow({"OLAP", "DEFAULT", "Basalt columnar storage on object storage", "YES", "NO", "NO"});
      return finish(b);
    }
    case ShowKind::kPlugins: {
      TextResultBuilder b({"Name", "Status", "Type", "Library", "License"});
      b.AddRow({"mysql_native_password", "ACTIVE", "AUTHENTICATION", std::nullopt, "Apache License 2.0"});
      return finish(b);
    }
    case ShowKind::kGrants: {
      std::string user = show.target.empty() ? session_->user() : show.target;
      if (!fe_->catalog->FindUser(user)) {
        return Status::Sql({1141, "42000"}, "There is no such grant defined for user '" + user + "' on host '%'");
      }
      TextResultBuilder b({"UserIdentity", "Catalog", "Grants"});
      b.AddRow({"'" + user + "'@'%'", std::nullopt, "GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'%'"});
      return b.Build();
    }
    case ShowKind::kIndex: {
      ASSIGN_OR_RETURN(QueryResult described, ExecuteDescribe(show.table));
      TextResultBuilder b({"Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality",
                           "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"});
      return finish(b);
    }
    case ShowKind::kTableStatus: {
      ASSIGN_OR_RETURN(std::string db, resolve_db(show.db));
      (void)db;
      TextResultBuilder b({"Name", "Engine", "Version", "Row_format", "Rows", "Avg_row_length", "Data_length",
                           "Max_data_length", "Index_length", "Data_free", "Auto_increment", "Create_time",
                           "Update_time", "Check_time", "Collation", "Checksum", "Create_options", "Comment"});
      return finish(b);
    }
    case ShowKind::kCatalogs: {
      TextResultBuilder b({"Catalog", "Type", "Comment"});
      b.AddRow({"default_catalog", "Internal", "An internal catalog contains this cluster's self-managed tables."});
      return finish(b);
    }
    case ShowKind::kUsers: {
      TextResultBuilder b({"User"});
      for (const auto& u : fe_->catalog->ListUsers()) b.AddRow({"'" + u.name() + "'@'" + u.host() + "'"});
      return finish(b);
    }
    case ShowKind::kProcedureStatus:
    case ShowKind::kFunctionStatus: {
      TextResultBuilder b({"Db", "Name", "Type", "Definer", "Modified", "Created", "Security_type", "Comment",
                           "character_set_client", "collation_connection", "Database Collation"});
      return finish(b);
    }
    case ShowKind::kTriggers: {
      TextResultBuilder b({"Trigger", "Event", "Table", "Statement", "Timing", "Created", "sql_mode", "Definer",
                           "character_set_client", "collation_connection", "Database Collation"});
      return finish(b);
    }
    case ShowKind::kPrivileges: {
      TextResultBuilder b({"Privilege", "Context", "Comment"});
      for (const char* p : {"SELECT", "INSERT", "ALTER", "CREATE", "DROP", "GRANT", "NODE", "OPERATE"}) {
        b.AddRow({p, "System", ""});
      }
      return finish(b);
    }
    case ShowKind::kRoutineLoad: {
      ASSIGN_OR_RETURN(TextResultBuilder b, ShowRoutineLoad(show));
      ASSIGN_OR_RETURN(QueryResult result, finish(b));
      if (show.limit || show.offset > 0) {
        // LIMIT [off,] n / LIMIT n OFFSET off, over the rows WHERE kept (already in ORDER BY order).
        Chunk& chunk = result.chunks.front();
        const size_t from = std::min(static_cast<size_t>(std::max<int64_t>(0, show.offset)), chunk.num_rows);
        const size_t count = show.limit ? static_cast<size_t>(std::max<int64_t>(0, *show.limit)) : chunk.num_rows;
        chunk = chunk.Slice(from, from + std::min(count, chunk.num_rows - from));
      }
      return result;
    }
    case ShowKind::kCreateRoutineLoad: {
      ASSIGN_OR_RETURN(TextResultBuilder b, ShowCreateRoutineLoad(show));
      return b.Build();
    }
    case ShowKind::kRoutineLoadTask: {
      ASSIGN_OR_RETURN(TextResultBuilder b, ShowRoutineLoadTask(show));
      ASSIGN_OR_RETURN(QueryResult result, finish(b));
      // Drop the JobName column the WHERE matched on.
      result.columns.erase(result.columns.begin());
      for (Chunk& chunk : result.chunks) chunk.columns.erase(chunk.columns.begin());
      return result;
    }
    case ShowKind::kStorageVolumes: {
      TextResultBuilder b({"Storage Volume"});
      for (const auto& volume : fe_->catalog->ListStorageVolumes()) b.AddRow({volume.name()});
      return finish(b);
    }
    case ShowKind::kFrontendConfig: {
      TextResultBuilder b({"Key", "AliasNames", "Value", "Type", "IsMutable", "Comment"});
      if (fe_->config) {
        for (const auto& [key, value] : fe_->config->values()) b.AddRow({key, "[]", value, "String", "false", ""});
        for (const ConfigKey& k : fe_->config->known_keys()) {
          if (!fe_->config->Has(k.name)) b.AddRow({k.name, "[]", k.default_value, "String", "false", k.help});
        }
      }
      return finish(b);
    }
  }
  return Status::Internal("unhandled SHOW kind");
}

// ---- USE and DDL -----------------------------------------------------------------------------

Result<QueryResult> Executor::ExecuteUse(const std::string& db) {
  if (IsInformationSchema(db)) {
    session_->set_current_db(kInformationSchema);
    return Ok();
  }
  if (!fe_->catalog->FindDatabase(db)) return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db + "'");
  session_->set_current_db(db);
  return Ok();
}

Result<QueryResult> Executor::ExecuteCreateDatabase(const sql::Statement& stmt) {
  if (!ValidDatabaseName(stmt.db)) {
    return Status::Sql({1102, "42000"}, "Incorrect database name '" + stmt.db + "'");
  }
  if (IsInformationSchema(stmt.db)) {
    return Status::Sql(sql_errors::kDbCreateExists, "Can't create database '" + stmt.db + "'; database exists");
  }
  proto::JournalEntry entry;
  auto* db = entry.mutable_create_database()->mutable_database();
  db->set_name(stmt.db);
  db->set_create_time_ms(NowMillis());
  std::string volume_name;
  for (const auto& [key, value] : stmt.properties) {
    if (key != "storage_volume") {
      return Status::Sql(sql_errors::kWrongArguments,
                         "Unknown property '" + key + "' for CREATE DATABASE (supported: storage_volume)");
    }
    volume_name = value;
  }
  bool existed = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    if (catalog.FindDatabase(stmt.db)) {
      if (stmt.if_not_exists) {
        existed = true;
        return Status::Cancelled("exists");
      }
      return Status::Sql(sql_errors::kDbCreateExists, "Can't create database '" + stmt.db + "'; database exists");
    }
    auto* db = e->mutable_create_database()->mutable_database();
    db->set_id(catalog.PeekNextId());
    // The database binds a storage volume: the named one, or the default at creation time
    // ("default" means the same). With no volume at all the database is created unbound and its
    // tables will need one; StarRocks refuses here, Basalt lets catalog-only use work.
    std::string bound = volume_name == "default" || volume_name.empty() ? catalog.default_storage_volume() : volume_name;
    if (!bound.empty()) {
      auto volume = catalog.FindStorageVolume(bound);
      if (!volume) return Status::Sql({1064, "HY000"}, "Unknown storage volume \"" + bound + "\"");
      if (!volume->enabled()) return Status::Sql({1064, "HY000"}, "Storage volume " + bound + " is disabled");
      (*db->mutable_properties())["storage_volume"] = bound;
    }
    return Status::OK();
  };
  Result<uint64_t> seq = fe_->meta->Submit(std::move(entry), validate);
  if (existed) return Ok();
  RETURN_IF_ERROR(seq);
  LOG(INFO) << "created database " << stmt.db << " (journal seq " << *seq << ")";
  return Ok(1);
}

// Drops the database and its tables at once, with or without FORCE (StarRocks moves a non-FORCE
// drop to a recycle bin; Basalt has none yet).
Result<QueryResult> Executor::ExecuteDropDatabase(const sql::Statement& stmt) {
  if (IsInformationSchema(stmt.db)) {
    return Status::Sql(sql_errors::kSpecificAccessDenied, "Access denied; cannot drop database information_schema");
  }
  proto::JournalEntry entry;
  entry.mutable_drop_database()->set_name(stmt.db);
  bool missing = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry*) -> Status {
    if (!catalog.FindDatabase(stmt.db)) {
      if (stmt.if_exists) {
        missing = true;
        return Status::Cancelled("missing");
      }
      return Status::Sql(sql_errors::kDbDropMissing, "Can't drop database '" + stmt.db + "'; database doesn't exist");
    }
    return Status::OK();
  };
  Result<uint64_t> seq = fe_->meta->Submit(std::move(entry), validate);
  if (missing) return Ok();
  RETURN_IF_ERROR(seq);
  if (session_->current_db() == stmt.db) session_->set_current_db("");
  LOG(INFO) << "dropped database " << stmt.db << " (journal seq " << *seq << ")";
  return Ok();
}

Result<QueryResult> Executor::ExecuteUserStatement(const sql::Statement& stmt) {
  const std::string& name = stmt.user.user;
  std::string identity = "'" + name + "'@'" + stmt.user.host + "'";
  std::string hash;
  if (stmt.password) hash = NativePasswordHash(*stmt.password);
  if (stmt.password_hash) {
    std::string hex = *stmt.password_hash;
    if (!hex.empty() && hex[0] == '*') hex.erase(0, 1);
    if (hex.size() != 40) return Status::Sql(sql_errors::kWrongArguments, "Password hash should be a 41-digit hexadecimal number");
    for (size_t i = 0; i < 40; i += 2) hash += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  proto::JournalEntry entry;
  bool noop = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto existing = catalog.FindUser(name);
    switch (stmt.kind) {
      case sql::StatementKind::kCreateUser: {
        if (existing) {
          if (stmt.if_not_exists) {
            noop = true;
            return Status::Cancelled("exists");
          }
          return Status::Sql(sql_errors::kCannotUser, "Operation CREATE USER failed for " + identity);
        }
        auto* u = e->mutable_upsert_user()->mutable_user();
        u->set_name(name);
        u->set_host(stmt.user.host);
        u->set_password_sha1_sha1(hash);
        return Status::OK();
      }
      case sql::StatementKind::kAlterUser: {
        if (!existing) {
          if (stmt.if_exists) {
            noop = true;
            return Status::Cancelled("missing");
          }
          return Status::Sql(sql_errors::kCannotUser, "Operation ALTER USER failed for " + identity);
        }
        auto* u = e->mutable_upsert_user()->mutable_user();
        *u = *existing;
        u->set_password_sha1_sha1(hash);
        return Status::OK();
      }
      default: {
        if (name == "root") return Status::Sql(sql_errors::kCannotUser, "Operation DROP USER failed for " + identity + ": root cannot be dropped");
        if (!existing) {
          if (stmt.if_exists) {
            noop = true;
            return Status::Cancelled("missing");
          }
          return Status::Sql(sql_errors::kCannotUser, "Operation DROP USER failed for " + identity);
        }
        e->mutable_drop_user()->set_name(name);
        e->mutable_drop_user()->set_host(existing->host());
        return Status::OK();
      }
    }
  };
  Result<uint64_t> seq = fe_->meta->Submit(std::move(entry), validate);
  if (noop) return Ok();
  RETURN_IF_ERROR(seq);
  return Ok();
}

Result<QueryResult> Executor::ExecuteKill(const sql::Statement& stmt) {
  ASSIGN_OR_RETURN(Value id_value, EvaluateScalar(*stmt.kill_id));
  if (id_value.is_null() || !(id_value.type().IsInteger() || id_value.type().IsStringLike())) {
    return Status::Sql(sql_errors::kWrongArguments, "KILL needs a connection id");
  }
  int64_t id = id_value.AsInt();
  std::shared_ptr<Session> target = fe_->sessions->Find(static_cast<uint32_t>(id));
  if (!target || id < 0) return Status::Sql(sql_errors::kNoSuchThread, "Unknown thread id: " + std::to_string(id));
  target->kill_query = true;
  if (!stmt.kill_query_only) {
    target->kill_connection = true;
    int fd = target->socket_fd.load();
    // Wake the connection if it is waiting for the client; its thread then closes it. Killing our
    // own connection still gets this statement's OK first (MySQL answers KILL of self with an error
    // later; an OK then close is what StarRocks does).
    if (fd >= 0 && target.get() != session_) ::shutdown(fd, SHUT_RDWR);
  }
  LOG(INFO) << "connection " << session_->connection_id() << " killed " << (stmt.kill_query_only ? "query of " : "")
            << "connection " << id;
  return Ok();
}

Result<QueryResult> Executor::ExecuteAlterSystem(const sql::Statement& stmt) {
  if (stmt.alter_system_target != "COMPUTE NODE") {
    return Status::Sql(sql_errors::kNotSupportedYet,
                       "ALTER SYSTEM " + stmt.alter_system_action + " " + stmt.alter_system_target +
                           " is not supported: Basalt runs in shared-data mode with compute nodes");
  }
  if (stmt.alter_system_action == "DECOMMISSION") {
    return Status::Sql(sql_errors::kNotSupportedYet, "compute nodes hold no data; use ALTER SYSTEM DROP COMPUTE NODE");
  }
  for (const std::string& host_port : stmt.host_ports) {
    size_t colon = host_port.rfind(':');
    int64_t port = 0;
    std::string host = colon == std::string::npos ? "" : host_port.substr(0, colon);
    if (host.empty() || !ParseInt64(host_port.substr(colon + 1), &port) || port <= 0 || port > 65535) {
      return Status::Sql(sql_errors::kWrongArguments,
                         "Invalid host:port '" + host_port + "': expected \"host:heartbeat_port\", e.g. \"127.0.0.1:9050\"");
    }
    proto::JournalEntry entry;
    auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
      auto existing = catalog.FindComputeNode(host, static_cast<int>(port));
      if (stmt.alter_system_action == "ADD") {
        if (existing) return Status::Sql(sql_errors::kWrongArguments, "Compute node already exists with same host and port: " + host_port);
        auto* node = e->mutable_add_compute_node()->mutable_node();
        node->set_id(catalog.PeekNextId());
        node->set_host(host);
        node->set_heartbeat_port(static_cast<int32_t>(port));
        return Status::OK();
      }
      if (!existing) return Status::Sql(sql_errors::kWrongArguments, "Compute node does not exist: " + host_port);
      e->mutable_drop_compute_node()->set_id(existing->id());
      return Status::OK();
    };
    ASSIGN_OR_RETURN(uint64_t seq, fe_->meta->Submit(std::move(entry), validate));
    LOG(INFO) << (stmt.alter_system_action == "ADD" ? "added" : "dropped") << " compute node " << host_port
              << " (journal seq " << seq << ")";
  }
  return Ok();
}

Result<QueryResult> Executor::ExecuteDescribe(const sql::TableName& table) {
  std::string db = table.db.empty() ? session_->current_db() : table.db;
  if (db.empty()) return Status::Sql(sql_errors::kNoDatabaseSelected, "No database selected");
  if (IsInformationSchema(db)) {
    auto system = BuildSystemTable(table.table, *fe_, *session_);
    if (!system) return Status::Sql({1146, "42S02"}, "Table '" + db + "." + table.table + "' doesn't exist");
    TextResultBuilder b({"Field", "Type", "Null", "Key", "Default", "Extra"});
    for (const ResultColumn& c : system->columns) {
      b.AddRow({c.name, c.type.id == TypeId::kBigInt ? "bigint(20)" : "varchar(65533)", "YES", "false", std::nullopt, ""});
    }
    return b.Build();
  }
  if (!fe_->catalog->FindDatabase(db)) return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db + "'");
  auto meta = fe_->catalog->FindTable(db, table.table);
  if (!meta) return Status::Sql({1146, "42S02"}, "Table '" + db + "." + table.table + "' doesn't exist");
  TextResultBuilder b({"Field", "Type", "Null", "Key", "Default", "Extra"});
  for (const auto& c : meta->columns()) {
    b.AddRow({c.name(), c.type_sql(), c.nullable() ? "YES" : "NO", c.is_key() ? "true" : "false", ColumnDefaultText(c),
              c.aggregation()});
  }
  return b.Build();
}



// ---- storage volumes --------------------------------------------------------------------------

Result<QueryResult> Executor::ExecuteStorageVolume(const sql::Statement& stmt) {
  constexpr SqlError kVolumeError{1064, "HY000"};  // what StarRocks reports for these statements
  const std::string& name = stmt.name;
  if (stmt.kind == sql::StatementKind::kDescStorageVolume) {
    auto volume = fe_->catalog->FindStorageVolume(name);
    if (!volume) return Status::Sql(kVolumeError, "Storage volume '" + name + "' does not exist");
    TextResultBuilder b({"Name", "Type", "IsDefault", "Location", "Params", "Enabled", "Comment"});
    b.AddRow({volume->name(), volume->type(), fe_->catalog->default_storage_volume() == name ? "true" : "false",
              StorageVolumeLocation(*volume), StorageVolumeParamsJson(*volume), volume->enabled() ? "true" : "false",
              volume->comment()});
    return b.Build();
  }
  if (!fe_->secrets) return Status::Internal("storage volumes need the FE's secret box");
  proto::JournalEntry entry;
  bool noop = false;
  std::function<Status(const Catalog&, proto::JournalEntry*)> validate;
  switch (stmt.kind) {
    case sql::StatementKind::kCreateStorageVolume: {
      ASSIGN_OR_RETURN(proto::StorageVolumeMeta volume,
                       BuildStorageVolume(name, stmt.volume_type, stmt.locations, stmt.comment.value_or(""),
                                          stmt.properties, *fe_->secrets));
      volume.set_create_time_ms(NowMillis());
      if (fe_->catalog->FindStorageVolume(name)) {
        if (stmt.if_not_exists) return Ok();
        return Status::Sql(kVolumeError, "Storage volume '" + name + "' already exists");
      }
      // Reachability is checked before taking the DDL lock: it talks to the network.
      if (fe_->check_storage_volume) RETURN_IF_ERROR(fe_->check_storage_volume(volume));
      validate = [&, volume](const Catalog& catalog, proto::JournalEntry* e) -> Status {
        if (catalog.FindStorageVolume(name)) {
          if (stmt.if_not_exists) {
            noop = true;
            return Status::Cancelled("exists");
          }
          return Status::Sql(kVolumeError, "Storage volume '" + name + "' already exists");
        }
        auto* v = e->mutable_create_storage_volume()->mutable_volume();
        *v = volume;
        v->set_id(catalog.PeekNextId());
        return Status::OK();
      };
      break;
    }
    case sql::StatementKind::kAlterStorageVolume:
      validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
        auto volume = catalog.FindStorageVolume(name);
        if (!volume) {
          if (stmt.if_exists) {
            noop = true;
            return Status::Cancelled("missing");
          }
          return Status::Sql(kVolumeError, "Storage volume '" + name + "' does not exist");
        }
        RETURN_IF_ERROR(AlterStorageVolume(&*volume, stmt.properties, *fe_->secrets));
        if (stmt.comment) volume->set_comment(*stmt.comment);
        if (!volume->enabled() && catalog.default_storage_volume() == name) {
          return Status::Sql(kVolumeError, "Default volume can not be disabled");
        }
        *e->mutable_alter_storage_volume()->mutable_volume() = *volume;
        return Status::OK();
      };
      break;
    case sql::StatementKind::kDropStorageVolume:
      validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
        if (!catalog.FindStorageVolume(name)) {
          if (stmt.if_exists) {
            noop = true;
            return Status::Cancelled("missing");
          }
          return Status::Sql(kVolumeError, "Storage volume '" + name + "' does not exist");
        }
        if (catalog.default_storage_volume() == name) {
          return Status::Sql(kVolumeError, "default storage volume can not be removed");
        }
        std::string users;
        for (const auto& db : catalog.ListDatabases()) {
          auto it = db.properties().find("storage_volume");
          if (it != db.properties().end() && it->second == name) users += (users.empty() ? "" : ", ") + db.name();
        }
        std::string tables;
        for (const auto& t : catalog.ListAllTables()) {
          auto it = t.properties().find("storage_volume");
          if (it != t.properties().end() && it->second == name) {
            tables += (tables.empty() ? "" : ", ") + t.db() + "." + t.name();
          }
        }
        if (!users.empty() || !tables.empty()) {
          return Status::Sql(kVolumeError, "Storage volume '" + name + "' is referenced by dbs or tables, dbs: [" +
                                               users + "], tables: [" + tables + "]");
        }
        e->mutable_drop_storage_volume()->set_name(name);
        return Status::OK();
      };
      break;
    case sql::StatementKind::kSetDefaultStorageVolume:
      validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
        auto volume = catalog.FindStorageVolume(name);
        if (!volume) return Status::Sql(kVolumeError, "Storage volume '" + name + "' does not exist");
        if (!volume->enabled()) return Status::Sql(kVolumeError, "Storage volume " + name + " is disabled");
        e->mutable_set_default_storage_volume()->set_name(name);
        return Status::OK();
      };
      break;
    default:
      return Status::Internal("not a storage volume statement");
  }
  Result<uint64_t> seq = fe_->meta->Submit(std::move(entry), validate);
  if (noop) return Ok();
  RETURN_IF_ERROR(seq);
  LOG(INFO) << "storage volume " << name << ": journal seq " << *seq;
  return Ok();
}

// ---- tables ----------------------------------------------------------------------------------
//
// Catalog-only for now: tables have a schema, keys, partitioning, distribution and properties, but
// no data yet. DROP TABLE (with or without FORCE) removes the table at once; there is no recycle
// bin yet.

Result<std::string> Executor::ResolveUserDatabase(const std::string& named) {
  std::string db = named.empty() ? session_->current_db() : named;
  if (db.empty()) return Status::Sql(sql_errors::kNoDatabaseSelected, "No database selected");
  if (IsInformationSchema(db)) {
    return Status::Sql({1044, "42000"}, "Access denied for user '" + session_->user() + "' to database '" + db + "'");
  }
  if (!fe_->catalog->FindDatabase(db)) return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db + "'");
  return db;
}

Result<QueryResult> Executor::ExecuteCreateTable(const sql::CreateTableStmt& stmt) {
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(stmt.name.db));
  // Without BUCKETS, one bucket per compute node (at least one); StarRocks picks a number
  // automatically from the cluster size too.
  int32_t default_buckets = std::max<int32_t>(1, static_cast<int32_t>(fe_->catalog->ListComputeNodes().size()));
  proto::JournalEntry entry;
  bool existed = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto db = catalog.FindDatabase(db_name);
    if (!db) return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + db_name + "'");
    if (catalog.FindTable(db_name, stmt.name.table)) {
      if (stmt.if_not_exists) {
        existed = true;
        return Status::Cancelled("exists");
      }
      return Status::Sql(sql_errors::kTableExists, "Table '" + stmt.name.table + "' already exists");
    }
    ASSIGN_OR_RETURN(proto::TableMeta table, BuildTableMeta(stmt, *db, catalog, default_buckets));
    table.set_id(catalog.PeekNextId());
    table.set_create_time_ms(NowMillis());
    for (int i = 0; i < table.columns_size(); ++i) table.mutable_columns(i)->set_unique_id(i + 1);
    table.set_next_column_unique_id(table.columns_size() + 1);
    int64_t next_id = table.id() + 1;
    CreateInitialPartitions(&table, &next_id);
    *e->mutable_create_table()->mutable_table() = std::move(table);
    return Status::OK();
  };
  Result<uint64_t> seq = fe_->meta->Submit(std::move(entry), validate);
  if (existed) return Ok();
  RETURN_IF_ERROR(seq);
  LOG(INFO) << "created table " << db_name << "." << stmt.name.table << " (journal seq " << *seq << ")";
  return Ok();
}

Result<QueryResult> Executor::ExecuteDropTable(const sql::Statement& stmt) {
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(stmt.table.db));
  const std::string& name = stmt.table.table;
  proto::JournalEntry entry;
  bool missing = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    if (!catalog.FindTable(db_name, name)) {
      if (stmt.if_exists) {
        missing = true;
        return Status::Cancelled("missing");
      }
      return Status::Sql(sql_errors::kBadTable, "Unknown table '" + db_name + "." + name + "'");
    }
    e->mutable_drop_table()->set_db(db_name);
    e->mutable_drop_table()->set_name(name);
    return Status::OK();
  };
  Result<uint64_t> seq = fe_->meta->Submit(std::move(entry), validate);
  if (missing) return Ok();
  RETURN_IF_ERROR(seq);
  LOG(INFO) << "dropped table " << db_name << "." << name << " (journal seq " << *seq << ")";
  return Ok();
}

Result<QueryResult> Executor::ExecuteTruncateTable(const sql::Statement& stmt) {
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(stmt.table.db));
  const std::string& name = stmt.table.table;
  proto::JournalEntry entry;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto table = catalog.FindTable(db_name, name);
    if (!table) return Status::Sql({1146, "42S02"}, "Table '" + db_name + "." + name + "' doesn't exist");
    auto* t = e->mutable_truncate_table();
    t->set_db(db_name);
    t->set_name(name);
    t->set_data_version(table->data_version() + 1);
    int64_t next_id = catalog.PeekNextId();
    *t->mutable_partitions() = EmptyCopiesOfPartitions(*table, &next_id);
    return Status::OK();
  };
  ASSIGN_OR_RETURN(uint64_t seq, fe_->meta->Submit(std::move(entry), validate));
  LOG(INFO) << "truncated table " << db_name << "." << name << " (journal seq " << seq << ")";
  return Ok();
}

Result<QueryResult> Executor::ExecuteAlterTable(const sql::Statement& stmt) {
  ASSIGN_OR_RETURN(std::string db_name, ResolveUserDatabase(stmt.table.db));
  const std::string& name = stmt.table.table;
  proto::JournalEntry entry;
  auto find_column = [](const proto::TableMeta& t, const std::string& column) {
    for (int i = 0; i < t.columns_size(); ++i) {
      if (EqualsIgnoreCase(t.columns(i).name(), column)) return i;
    }
    return -1;
  };
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto table = catalog.FindTable(db_name, name);
    if (!table) return Status::Sql({1146, "42S02"}, "Table '" + db_name + "." + name + "' doesn't exist");
    if (stmt.alter_action == "DROP COLUMN") {
      int index = find_column(*table, stmt.column_name);
      if (index < 0) {
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + stmt.column_name + "' in '" + name + "'");
      }
      const proto::ColumnMeta& c = table->columns(index);
      if (c.is_key()) return Status::Sql(kTableDdlError, "Can not drop key column '" + c.name() + "'");
      for (const auto& d : table->distribution().columns()) {
        if (d == c.name()) return Status::Sql(kTableDdlError, "Can not drop distribution column '" + c.name() + "'");
      }
      for (const auto& p : table->partition().columns()) {
        if (p == c.name()) return Status::Sql(kTableDdlError, "Can not drop partition column '" + c.name() + "'");
      }
      for (const auto& o : table->order_by()) {
        if (o == c.name()) return Status::Sql(kTableDdlError, "Can not drop sort key column '" + c.name() + "'");
      }
      auto* d = e->mutable_alter_table_drop_column();
      d->set_db(db_name);
      d->set_name(name);
      d->set_column(c.name());
      return Status::OK();
    }
    const sql::ColumnDef& def = *stmt.column_def;
    if (find_column(*table, def.name) >= 0) {
      return Status::Sql(sql_errors::kDuplicateFieldName, "Duplicate column name '" + def.name + "'");
    }
    ASSIGN_OR_RETURN(proto::ColumnMeta column, BuildColumnMeta(def));
    column.set_unique_id(std::max(table->next_column_unique_id(), table->columns_size() + 1));
    if (table->keys_type() == "AGG_KEYS" && column.aggregation().empty()) {
      return Status::Sql(kTableDdlError, "Value column '" + def.name +
                                             "' of an AGGREGATE KEY table needs an aggregation type (SUM, MAX, MIN, REPLACE, ...)");
    }
    if (table->keys_type() != "AGG_KEYS" && !column.aggregation().empty()) {
      return Status::Sql(kTableDdlError, "Column '" + def.name + "' has aggregation type " + column.aggregation() +
                                             ", which is only allowed in AGGREGATE KEY tables");
    }
    if (!column.nullable() && !column.has_default()) {
      return Status::Sql(kTableDdlError, "Column '" + def.name + "' is NOT NULL and needs a DEFAULT value");
    }
    int position = table->columns_size();
    if (stmt.first) {
      position = 0;
    } else if (!stmt.after_column.empty()) {
      int after = find_column(*table, stmt.after_column);
      if (after < 0) {
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + stmt.after_column + "' in '" + name + "'");
      }
      position = after + 1;
    }
    // A new column is a value column, so it goes after the key columns.
    if (position < table->key_columns_size()) {
      return Status::Sql(kTableDdlError, "Invalid column order: value column '" + def.name +
                                             "' must be after the key columns");
    }
    auto* add = e->mutable_alter_table_add_column();
    add->set_db(db_name);
    add->set_name(name);
    *add->mutable_column() = std::move(column);
    add->set_position(position);
    return Status::OK();
  };
  ASSIGN_OR_RETURN(uint64_t seq, fe_->meta->Submit(std::move(entry), validate));
  LOG(INFO) << "altered table " << db_name << "." << name << ": " << stmt.alter_action << " (journal seq " << seq << ")";
  return Ok();
}

}  // namespace basalt::fe
