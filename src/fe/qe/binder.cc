#include "fe/qe/binder.h"

#include <ctime>

#include "common/sql_errors.h"
#include "common/string_util.h"
#include "engine/functions.h"

namespace basalt::fe {
namespace {

Result<ExprPtr> MakeCall(const std::string& name, std::vector<ExprPtr> args) {
  std::vector<DataType> types;
  for (const ExprPtr& a : args) types.push_back(a->type());
  ASSIGN_OR_RETURN(ResolvedFunction fn, ResolveFunction(name, types));
  return ExprPtr(std::make_shared<FunctionExpr>(name, std::move(fn.kernel), std::move(args), fn.result_type));
}

ExprPtr Literal(Value v) { return std::make_shared<LiteralExpr>(std::move(v)); }

// Functions whose value depends on the session, folded at bind time.
Result<std::optional<Value>> SessionFunction(const std::string& name, const std::vector<ExprPtr>& args,
                                             BindContext& ctx) {
  Session& s = *ctx.session;
  auto no_args = [&]() -> Status {
    if (!args.empty()) {
      return Status::Sql(sql_errors::kWrongParamCount,
                         "Incorrect parameter count in the call to native function '" + name + "'");
    }
    return Status::OK();
  };
  if (name == "database" || name == "schema") {
    RETURN_IF_ERROR(no_args());
    std::string db = s.current_db();
    return std::optional<Value>(db.empty() ? Value::Null(DataType::Varchar()) : Value::String(db));
  }
  if (name == "user" || name == "session_user" || name == "system_user") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String(s.user() + "@" + s.remote_host()));
  }
  if (name == "current_user") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String("'" + s.user() + "'@'%'"));
  }
  if (name == "connection_id") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::Int(s.connection_id()));
  }
  if (name == "version") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String("8.0.33"));
  }
  if (name == "current_version") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String(ctx.fe->frontend.version + " basalt"));
  }
  if (ctx.defer_clock_functions && args.empty() &&
      (name == "now" || name == "current_timestamp" || name == "localtime" || name == "localtimestamp" ||
       name == "curdate" || name == "current_date")) {
    return std::optional<Value>();  // Resolved as zone-dependent functions (engine/functions.h).
  }
  if (name == "now" || name == "current_timestamp" || name == "localtime" || name == "localtimestamp" ||
      name == "sysdate" || name == "utc_timestamp") {
    int64_t ms = s.query_start_ms() ? s.query_start_ms() : NowMillis();
    return std::optional<Value>(Value::Int((ms / 1000) * 1000000, DataType::DateTime()));
  }
  if (name == "curdate" || name == "current_date" || name == "utc_date") {
    RETURN_IF_ERROR(no_args());
    int64_t ms = s.query_start_ms() ? s.query_start_ms() : NowMillis();
    return std::optional<Value>(Value::Int(ms / 86400000, DataType::Date()));
  }
  if (name == "unix_timestamp" && args.empty()) {
    int64_t ms = s.query_start_ms() ? s.query_start_ms() : NowMillis();
    return std::optional<Value>(Value::Int(ms / 1000));
  }
  if (name == "last_insert_id" || name == "found_rows" || name == "row_count") {
    return std::optional<Value>(Value::Int(0));
  }
  return std::optional<Value>();
}

}  // namespace

bool IsAggregateCall(const sql::Expr& e) {
  if (e.kind != sql::ExprKind::kFunction) return false;
  return e.name == "count" || e.name == "sum" || e.name == "min" || e.name == "max" || e.name == "avg" ||
         e.name == "group_concat" || e.name == "any_value";
}

Result<Value> ReadSystemVariable(Session& session, const FeContext& fe, const std::string& name,
                                 sql::VariableScope scope) {
  const VariableDef* def = FindVariableDef(name);
  if (!def) {
    if (auto v = session.GetUnknownVariable(name)) return Value::String(*v);
    return Status::Sql(sql_errors::kUnknownSystemVariable, "Unknown system variable '" + name + "'");
  }
  VariableValue value = scope == sql::VariableScope::kGlobal ? fe.globals->Get(*def) : session.GetVariable(*def);
  return VariableToValue(*def, value);
}

Result<ExprPtr> BindExpr(const sql::Expr& e, BindContext& ctx) {
  using sql::ExprKind;
  if (auto it = ctx.substitutions.find(&e); it != ctx.substitutions.end()) {
    return ExprPtr(std::make_shared<ColumnRefExpr>(it->second, ctx.columns[it->second].type));
  }
  auto bind_children = [&](size_t from = 0) -> Result<std::vector<ExprPtr>> {
    std::vector<ExprPtr> out;
    for (size_t i = from; i < e.children.size(); ++i) {
      ASSIGN_OR_RETURN(ExprPtr c, BindExpr(*e.children[i], ctx));
      out.push_back(std::move(c));
    }
    return out;
  };
  switch (e.kind) {
    case ExprKind::kLiteral:
      return Literal(e.value);
    case ExprKind::kDefault:
      return Status::Sql(sql_errors::kParseError, "DEFAULT is only allowed as the value of SET");
    case ExprKind::kColumnRef: {
      const std::string& column = e.names.back();
      std::string table = e.names.size() >= 2 ? e.names[e.names.size() - 2] : "";
      int found = -1;
      for (size_t i = 0; i < ctx.columns.size(); ++i) {
        const BindColumn& c = ctx.columns[i];
        if (!EqualsIgnoreCase(c.name, column)) continue;
        if (!table.empty() && !EqualsIgnoreCase(c.table, table)) continue;
        if (found >= 0) {
          return Status::Sql({1052, "23000"}, "Column '" + column + "' in field list is ambiguous");
        }
        found = static_cast<int>(i);
      }
      if (found < 0) {
        std::string full;
        for (size_t i = 0; i < e.names.size(); ++i) full += (i ? "." : "") + e.names[i];
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + full + "' in 'field list'");
      }
      return ExprPtr(std::make_shared<ColumnRefExpr>(found, ctx.columns[found].type));
    }
    case ExprKind::kStar:
      return Status::Sql(sql_errors::kParseError, "'*' is only allowed in the select list or COUNT(*)");
    case ExprKind::kSystemVariable: {
      ASSIGN_OR_RETURN(Value v, ReadSystemVariable(*ctx.session, *ctx.fe, e.name, e.scope));
      return Literal(std::move(v));
    }
    case ExprKind::kUserVariable:
      return Literal(ctx.session->GetUserVariable(e.name));
    case ExprKind::kPlaceholder: {
      if (!ctx.parameters || e.placeholder_index >= static_cast<int>(ctx.parameters->size())) {
        return Status::Sql(sql_errors::kWrongArguments, "Incorrect arguments to EXECUTE: missing parameter " +
                                                            std::to_string(e.placeholder_index + 1));
      }
      return Literal((*ctx.parameters)[e.placeholder_index]);
    }
    case ExprKind::kFunction: {
      if (IsAggregateCall(e)) {
        return Status::Sql({1111, "HY000"}, "Invalid use of group function " + ToUpper(e.name) + "()");
      }
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(std::optional<Value> folded, SessionFunction(e.name, args, ctx));
      if (folded) return Literal(std::move(*folded));
      std::string name = e.name;
      if (name == "substring" || name == "substr") name = "substring";
      if (name == "trim" && args.size() == 2) {
        // Parser gives TRIM(rem FROM str) as (rem, str) already.
      }
      return MakeCall(name, std::move(args));
    }
    case ExprKind::kUnary: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      if (e.op == "+") return args[0];
      return MakeCall(e.op == "-" ? "negate" : e.op == "~" ? "bitnot" : "not", std::move(args));
    }
    case ExprKind::kBinary: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      return MakeCall(e.op, std::move(args));
    }
    case ExprKind::kIsNull: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      return MakeCall(e.negated ? "isnotnull" : "isnull", std::move(args));
    }
    case ExprKind::kIsBool: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr test, MakeCall(e.bool_value ? "istrue" : "isfalse", std::move(args)));
      if (!e.negated) return test;
      return MakeCall("not", {test});
    }
    case ExprKind::kLike: {
      if (e.op != "LIKE") {
        return Status::Sql(sql_errors::kNotSupportedYet, "REGEXP is not supported yet");
      }
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr like, MakeCall("like", std::move(args)));
      if (!e.negated) return like;
      return MakeCall("not", {like});
    }
    case ExprKind::kBetween: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr between, MakeCall("between", std::move(args)));
      if (!e.negated) return between;
      return MakeCall("not", {between});
    }
    case ExprKind::kInList: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr in, MakeCall("in", std::move(args)));
      if (!e.negated) return in;
      return MakeCall("not", {in});
    }
    case ExprKind::kCase: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      std::string name = std::string("case") + (e.has_case_operand ? "_operand" : "") + (e.has_else ? "_else" : "");
      return MakeCall(name, std::move(args));
    }
    case ExprKind::kCast: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      return MakeCastExpr(args[0], e.cast_type);
    }
    case ExprKind::kSubquery: {
      if (!ctx.scalar_subquery) return Status::Sql(sql_errors::kNotSupportedYet, "subqueries are not supported here");
      ASSIGN_OR_RETURN(Value v, ctx.scalar_subquery(*e.subquery));
      return Literal(std::move(v));
    }
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
      return Status::Sql(sql_errors::kNotSupportedYet, "EXISTS / IN (subquery) are not supported yet");
    case ExprKind::kInterval:
      return Status::Sql(sql_errors::kNotSupportedYet, "INTERVAL arithmetic is not supported yet");
  }
  return Status::Internal("unhandled expression kind");
}

}  // namespace basalt::fe
